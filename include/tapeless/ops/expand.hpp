//! @file Defines the op tag `tapeless::op::expand`: broadcast of a value to the shape of another expression.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_EXPAND_HPP
#define TAPELESS_OPS_EXPAND_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = x broadcast to the shape of `like` (read for its shape only). Made by the reverse sweep
//! where an adjoint must be full-sized, e.g. as a GEMM operand or as a returned gradient.
struct expand : op_base {
    static constexpr char const* name = "expand";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::like_last;
    static constexpr bool reads(std::size_t k) { return k == 0; }
    static constexpr bool copies_when_shapes_agree = true; //!< the planner may share x's buffer
    static constexpr auto apply(auto x) { return x; }
};
} // namespace tapeless::op

#endif
