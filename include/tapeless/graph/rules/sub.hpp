//! @file Defines the adjoint rule of `op::sub`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SUB_HPP
#define TAPELESS_GRAPH_RULES_SUB_HPP

#include "../../ops/sub.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = a - b  =>  ā += sum_to(ȳ), b̄ -= sum_to(ȳ)
template <>
struct adjoint_rule<op::sub> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        if constexpr (K == 0) return simplify::sum_to(ybar, y, tapeless::arg<0>(y));
        else return simplify::sum_to(simplify::neg(ybar), y, tapeless::arg<1>(y));
    }
};

} // namespace tapeless

#endif
