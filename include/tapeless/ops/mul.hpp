//! @file Defines the op tag `tapeless::op::mul`: elementwise (Hadamard) product with broadcasting; scalar products too.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_MUL_HPP
#define TAPELESS_OPS_MUL_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = a ⊙ b, broadcasting rows, columns and scalars (a scalar times a tensor is this op).
struct mul : op_base {
    static constexpr char const* name = "mul";
    static constexpr char const* symbol = "*";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr auto apply(auto a, auto b) { return a * b; }
};
} // namespace tapeless::op

#endif
