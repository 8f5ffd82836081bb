//! @file Defines the op tag `tapeless::op::relu`: rectified linear unit.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_RELU_HPP
#define TAPELESS_OPS_RELU_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = max(x, 0).
struct relu : op_base {
    static constexpr char const* name = "relu";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    // A select, not std::max: it vectorises to one compare-and-blend and maps NaN to 0 the same way
    // on every backend.
    static constexpr auto apply(auto x) { return x > decltype(x)(0) ? x : decltype(x)(0); }
};
} // namespace tapeless::op

#endif
