//! @file Defines the op tag `tapeless::op::abs`: elementwise absolute value.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_ABS_HPP
#define TAPELESS_OPS_ABS_HPP

#include "traits.hpp"

#include <cmath>

namespace tapeless::op {

//! y = |x|.
struct abs : op_base {
    static constexpr char const* name = "abs";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 1;
    static auto apply(auto x) {
        using std::abs;
        return abs(x);
    }
};
} // namespace tapeless::op

#endif
