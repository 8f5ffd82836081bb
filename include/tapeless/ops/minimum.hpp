//! @file Defines the op tag `tapeless::op::minimum`: elementwise minimum with broadcasting.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_MINIMUM_HPP
#define TAPELESS_OPS_MINIMUM_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = min(a, b).
struct minimum : op_base {
    static constexpr char const* name = "minimum";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 1;
    static constexpr auto apply(auto a, auto b) { return b < a ? b : a; }
};
} // namespace tapeless::op

#endif
