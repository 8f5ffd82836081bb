//! @file Defines the op tag `tapeless::op::step`: Heaviside step, the derivative of relu.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_STEP_HPP
#define TAPELESS_OPS_STEP_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = 1 if x > 0 else 0. Piecewise constant, so its own adjoint is zero.
struct step : op_base {
    static constexpr char const* name = "step";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr auto apply(auto x) { return x > decltype(x)(0) ? decltype(x)(1) : decltype(x)(0); }
};
} // namespace tapeless::op

#endif
