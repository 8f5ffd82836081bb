//! @file Defines the op tag `tapeless::op::pow`: elementwise power with an exponent broadcast from a scalar.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_POW_HPP
#define TAPELESS_OPS_POW_HPP

#include "traits.hpp"

#include <cmath>

namespace tapeless::op {

//! y = xᵖ (p usually a 1x1 scalar).
struct pow : op_base {
    static constexpr char const* name = "pow";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 20;
    static auto apply(auto x, auto p) {
        using std::pow;
        return pow(x, p);
    }
};
} // namespace tapeless::op

#endif
