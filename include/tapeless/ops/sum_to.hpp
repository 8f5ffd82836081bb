//! @file Defines the op tag `tapeless::op::sum_to`: sum over the broadcast extents, back to an argument's shape.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_SUM_TO_HPP
#define TAPELESS_OPS_SUM_TO_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = x summed over every extent in which `like` is 1 and `domain` is not: the adjoint of a
//! broadcast. x is read over the shape of `domain` (x itself may be smaller and broadcast); the
//! result has the shape of `like`. With equal shapes it is a plain copy, which the fused loop
//! turns into a store, so it costs nothing when nothing was broadcast.
struct sum_to : sum_reduction {
    static constexpr char const* name = "sum_to";
    static constexpr shape_rule shape = shape_rule::like_last;
    static constexpr std::size_t domain_arg = 1;
    static constexpr bool reads(std::size_t k) { return k == 0; }
    static constexpr bool copies_when_shapes_agree = true; //!< the planner may share x's buffer
};
} // namespace tapeless::op

#endif
