//! @file Defines the op tag `tapeless::op::sign`: elementwise sign, the derivative of abs.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_SIGN_HPP
#define TAPELESS_OPS_SIGN_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = 1 if x > 0, -1 if x < 0, else 0. Piecewise constant: its adjoint is zero.
struct sign : op_base {
    static constexpr char const* name = "sign";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 1;
    static constexpr auto apply(auto x) {
        using T = decltype(x);
        return x > T(0) ? T(1) : x < T(0) ? T(-1) : T(0);
    }
};
} // namespace tapeless::op

#endif
