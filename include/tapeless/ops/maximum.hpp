//! @file Defines the op tag `tapeless::op::maximum`: elementwise maximum with broadcasting.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_MAXIMUM_HPP
#define TAPELESS_OPS_MAXIMUM_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = max(a, b).
struct maximum : op_base {
    static constexpr char const* name = "maximum";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 1;
    static constexpr auto apply(auto a, auto b) { return a < b ? b : a; }
};
} // namespace tapeless::op

#endif
