//! @file Defines the op tag `tapeless::op::tanh`: elementwise hyperbolic tangent.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_TANH_HPP
#define TAPELESS_OPS_TANH_HPP

#include "traits.hpp"

#include <cmath>

namespace tapeless::op {

//! y = tanh x.
struct tanh : op_base {
    static constexpr char const* name = "tanh";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 10;
    static auto apply(auto x) {
        using std::tanh;
        return tanh(x);
    }
};
} // namespace tapeless::op

#endif
