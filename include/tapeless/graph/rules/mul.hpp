//! @file Defines the adjoint rule of `op::mul`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_MUL_HPP
#define TAPELESS_GRAPH_RULES_MUL_HPP

#include "../../ops/mul.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = a ⊙ b  =>  ā += sum_to(ȳ ⊙ b), b̄ += sum_to(ȳ ⊙ a)
template <>
struct adjoint_rule<op::mul> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::sum_to(simplify::mul(ybar, tapeless::arg<1 - K>(y)), y, tapeless::arg<K>(y));
    }
};

} // namespace tapeless

#endif
