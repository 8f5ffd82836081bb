//! @file Defines the op tag `tapeless::op::leaky_relu`: the leaky rectifier with a scalar slope.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_LEAKY_RELU_HPP
#define TAPELESS_OPS_LEAKY_RELU_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = x if x > 0 else s·x.
struct leaky_relu : op_base {
    static constexpr char const* name = "leaky_relu";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 1;
    static constexpr auto apply(auto x, auto s) {
        using T = decltype(x);
        return x > T(0) ? x : s * x;
    }
};
} // namespace tapeless::op

#endif
