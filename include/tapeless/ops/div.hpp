//! @file Defines the op tag `tapeless::op::div`: elementwise quotient with broadcasting.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_DIV_HPP
#define TAPELESS_OPS_DIV_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = a / b, broadcasting rows, columns and scalars.
struct div : op_base {
    static constexpr char const* name = "div";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 4;
    static constexpr char const* symbol = "/";
    static constexpr auto apply(auto a, auto b) { return a / b; }
};
} // namespace tapeless::op

#endif
