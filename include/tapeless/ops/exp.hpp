//! @file Defines the op tag `tapeless::op::exp`: elementwise exponential.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_EXP_HPP
#define TAPELESS_OPS_EXP_HPP

#include "traits.hpp"

#include <cmath>

namespace tapeless::op {

//! y = eˣ.
struct exp : op_base {
    static constexpr char const* name = "exp";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 10;
    static auto apply(auto x) {
        using std::exp;
        return exp(x);
    }
};
} // namespace tapeless::op

#endif
