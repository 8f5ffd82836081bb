//! @file Defines the op tag `tapeless::op::add`: elementwise sum with broadcasting.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_ADD_HPP
#define TAPELESS_OPS_ADD_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = a + b, broadcasting rows, columns and scalars.
struct add : op_base {
    static constexpr char const* name = "add";
    static constexpr char const* symbol = "+";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr auto apply(auto a, auto b) { return a + b; }
};
} // namespace tapeless::op

#endif
