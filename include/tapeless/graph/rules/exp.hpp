//! @file Defines the adjoint rule of `op::exp`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_EXP_HPP
#define TAPELESS_GRAPH_RULES_EXP_HPP

#include "../../ops/exp.hpp"
#include "rule.hpp"

namespace tapeless {

// y = eˣ  =>  x̄ += ȳ ⊙ y
template <>
struct adjoint_rule<op::exp> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.mul(ybar, y);
    }
};

} // namespace tapeless

#endif
