//! @file Defines the adjoint rule of `op::div`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_DIV_HPP
#define TAPELESS_GRAPH_RULES_DIV_HPP

#include "../../ops/div.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = a / b  =>  ā += sum_to(ȳ / b),  b̄ -= sum_to(ȳ ⊙ y / b)
template <>
struct adjoint_rule<op::div> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        if constexpr (K == 0) return simplify::sum_to(simplify::div(ybar, tapeless::arg<1>(y)), y, tapeless::arg<0>(y));
        else return simplify::sum_to(simplify::neg(simplify::div(simplify::mul(ybar, y), tapeless::arg<1>(y))), y, tapeless::arg<1>(y));
    }
};

} // namespace tapeless

#endif
