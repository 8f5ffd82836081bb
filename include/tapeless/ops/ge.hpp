//! @file Defines the op tag `tapeless::op::ge`: elementwise comparison a >= b as 1 or 0, for the adjoints of max and min.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_GE_HPP
#define TAPELESS_OPS_GE_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = 1 if a >= b else 0. Piecewise constant: its adjoint is zero.
struct ge : op_base {
    static constexpr char const* name = "ge";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 1;
    static constexpr auto apply(auto a, auto b) {
        using T = decltype(a);
        return a >= b ? T(1) : T(0);
    }
};
} // namespace tapeless::op

#endif
