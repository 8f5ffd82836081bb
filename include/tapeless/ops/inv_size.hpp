//! @file Defines the op tag `tapeless::op::inv_size`: the reciprocal of an expression's element count.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_INV_SIZE_HPP
#define TAPELESS_OPS_INV_SIZE_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = 1 / (rows(x) · cols(x)), from the shape alone: `mean` divides by it and its adjoint
//! scales by it, and neither needs x's values.
struct inv_size : op_base {
    static constexpr char const* name = "inv_size";
    static constexpr op_kind kind = op_kind::shape_only;
    static constexpr shape_rule shape = shape_rule::scalar;
    static constexpr bool reads(std::size_t) { return false; }
    template <class T>
    static constexpr T value(tapeless::shape s) { return T(1) / static_cast<T>(s.rows * s.cols); }
};
} // namespace tapeless::op

#endif
