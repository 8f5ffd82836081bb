//! @file Defines the adjoint rule of `op::maximum`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_MAXIMUM_HPP
#define TAPELESS_GRAPH_RULES_MAXIMUM_HPP

#include "../../ops/maximum.hpp"
#include "../../ops/ge.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = max(a, b)  =>  ā += sum_to(ȳ ⊙ [a ≥ b]),  b̄ += sum_to(ȳ ⊙ (1 - [a ≥ b]))   (ties go to a)
template <>
struct adjoint_rule<op::maximum> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        auto a_wins = tapeless::make_node<op::ge>(tapeless::arg<0>(y), tapeless::arg<1>(y));
        if constexpr (K == 0) return simplify::sum_to(simplify::mul(ybar, a_wins), y, tapeless::arg<0>(y));
        else return simplify::sum_to(simplify::mul(ybar, simplify::sub(one{}, a_wins)), y, tapeless::arg<1>(y));
    }
};

} // namespace tapeless

#endif
