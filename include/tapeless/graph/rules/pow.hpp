//! @file Defines the adjoint rule of `op::pow`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_POW_HPP
#define TAPELESS_GRAPH_RULES_POW_HPP

#include "../../ops/pow.hpp"
#include "../../ops/log.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = xᵖ  =>  x̄ += sum_to(ȳ ⊙ p ⊙ x^(p-1)),  p̄ += sum_to(ȳ ⊙ y ⊙ ln x)
template <>
struct adjoint_rule<op::pow> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        if constexpr (K == 0)
            return simplify::sum_to(simplify::mul(ybar, simplify::mul(tapeless::make_node<op::pow>(tapeless::arg<0>(y), simplify::sub(tapeless::arg<1>(y), one{})), tapeless::arg<1>(y))), y, tapeless::arg<0>(y));
        else return simplify::sum_to(simplify::mul(ybar, simplify::mul(y, tapeless::make_node<op::log>(tapeless::arg<0>(y)))), y, tapeless::arg<1>(y));
    }
};

} // namespace tapeless

#endif
