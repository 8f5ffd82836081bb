//! @file Defines the op tag `tapeless::op::sqrt`: elementwise square root.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_SQRT_HPP
#define TAPELESS_OPS_SQRT_HPP

#include "traits.hpp"

#include <cmath>

namespace tapeless::op {

//! y = √x.
struct sqrt : op_base {
    static constexpr char const* name = "sqrt";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 4;
    static auto apply(auto x) {
        using std::sqrt;
        return sqrt(x);
    }
};
} // namespace tapeless::op

#endif
