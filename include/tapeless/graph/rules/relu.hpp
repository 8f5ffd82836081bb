//! @file Defines the adjoint rule of `op::relu`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_RELU_HPP
#define TAPELESS_GRAPH_RULES_RELU_HPP

#include "../../ops/relu.hpp"
#include "../../ops/step.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = relu(x)  =>  x̄ += ȳ ⊙ step(x)   (the seed's `l1.g = l2.g * (l1 > 0)`)
template <>
struct adjoint_rule<op::relu> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::mul(ybar, tapeless::make_node<op::step>(tapeless::arg<0>(y)));
    }
};

} // namespace tapeless

#endif
