//! @file Defines the op tag `tapeless::op::sum`: sum of all elements.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_SUM_HPP
#define TAPELESS_OPS_SUM_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = Σ_ij x_ij, a 1x1 result.
struct sum : sum_reduction {
    static constexpr char const* name = "sum";
    static constexpr shape_rule shape = shape_rule::scalar;
};
} // namespace tapeless::op

#endif
