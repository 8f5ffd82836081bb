//! @file Defines the op tag `tapeless::op::sub`: elementwise difference with broadcasting.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_SUB_HPP
#define TAPELESS_OPS_SUB_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = a - b, broadcasting rows, columns and scalars.
struct sub : op_base {
    static constexpr char const* name = "sub";
    static constexpr char const* symbol = "-";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr auto apply(auto a, auto b) { return a - b; }
};
} // namespace tapeless::op

#endif
