//! @file Defines the op tag `tapeless::op::leaky_step`: the derivative of leaky_relu.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_LEAKY_STEP_HPP
#define TAPELESS_OPS_LEAKY_STEP_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = 1 if x > 0 else s. Its adjoint (with respect to x) is zero.
struct leaky_step : op_base {
    static constexpr char const* name = "leaky_step";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 1;
    static constexpr auto apply(auto x, auto s) {
        using T = decltype(x);
        return x > T(0) ? T(1) : s;
    }
};
} // namespace tapeless::op

#endif
