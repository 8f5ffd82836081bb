//! @file Defines the op tag `tapeless::op::stop_gradient`: identity whose adjoint is zero.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_STOP_GRADIENT_HPP
#define TAPELESS_OPS_STOP_GRADIENT_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = x, ∂y/∂x taken as 0: for terms whose derivative cancels analytically (the row max in log_softmax).
struct stop_gradient : op_base {
    static constexpr char const* name = "stop_gradient";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 0;
    static constexpr auto apply(auto x) { return x; }
};
} // namespace tapeless::op

#endif
