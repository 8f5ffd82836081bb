//! @file Defines the adjoint rule of `op::leaky_relu`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_LEAKY_RELU_HPP
#define TAPELESS_GRAPH_RULES_LEAKY_RELU_HPP

#include "../../ops/leaky_relu.hpp"
#include "../../ops/leaky_step.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = leaky_relu(x, s)  =>  x̄ += ȳ ⊙ leaky_step(x, s)   (the slope is a constant: s̄ is not derived)
template <>
struct adjoint_rule<op::leaky_relu> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        if constexpr (K == 0) return simplify::mul(ybar, tapeless::make_node<op::leaky_step>(tapeless::arg<0>(y), tapeless::arg<1>(y)));
        else return zero{};
    }
};

} // namespace tapeless

#endif
