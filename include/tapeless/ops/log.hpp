//! @file Defines the op tag `tapeless::op::log`: elementwise natural logarithm.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_LOG_HPP
#define TAPELESS_OPS_LOG_HPP

#include "traits.hpp"

#include <cmath>

namespace tapeless::op {

//! y = ln x.
struct log : op_base {
    static constexpr char const* name = "log";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 10;
    static auto apply(auto x) {
        using std::log;
        return log(x);
    }
};
} // namespace tapeless::op

#endif
