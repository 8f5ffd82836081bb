//! @file Defines the adjoint rule of `op::mul`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_MUL_HPP
#define TAPELESS_GRAPH_RULES_MUL_HPP

#include "../../ops/mul.hpp"
#include "rule.hpp"

namespace tapeless {

// y = a ⊙ b  =>  ā += sum_to(ȳ ⊙ b), b̄ += sum_to(ȳ ⊙ a)
template <>
struct adjoint_rule<op::mul> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        return g.sum_to(g.mul(ybar, g.arg(y, 1 - k)), y, g.arg(y, k));
    }
};

} // namespace tapeless

#endif
