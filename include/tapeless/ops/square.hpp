//! @file Defines the op tag `tapeless::op::square`: elementwise square.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_SQUARE_HPP
#define TAPELESS_OPS_SQUARE_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = x².
struct square : op_base {
    static constexpr char const* name = "square";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr auto apply(auto x) { return x * x; }
};
} // namespace tapeless::op

#endif
