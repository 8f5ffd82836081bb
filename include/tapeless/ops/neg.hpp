//! @file Defines the op tag `tapeless::op::neg`: elementwise negation.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_NEG_HPP
#define TAPELESS_OPS_NEG_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = -x.
struct neg : op_base {
    static constexpr char const* name = "neg";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr auto apply(auto x) { return -x; }
};
} // namespace tapeless::op

#endif
