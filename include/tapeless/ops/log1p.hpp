//! @file Defines the op tag `tapeless::op::log1p`: ln(1 + x), accurate for x near 0.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_LOG1P_HPP
#define TAPELESS_OPS_LOG1P_HPP

#include "traits.hpp"

#include <cmath>

namespace tapeless::op {

//! y = ln(1 + x) by std::log1p: log(1 + x) would round 1 + x first and lose x below its ulp.
struct log1p : op_base {
    static constexpr char const* name = "log1p";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 10;
    static auto apply(auto x) {
        using std::log1p;
        return log1p(x);
    }
};
} // namespace tapeless::op

#endif
