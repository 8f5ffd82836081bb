//! @file Defines the op tag `tapeless::op::inv_count`: the reciprocal of an expression's row count, column count or size.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_INV_COUNT_HPP
#define TAPELESS_OPS_INV_COUNT_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = 1/cols(x), 1/rows(x) or 1/(rows(x)·cols(x)), from the shape alone: the means divide by it
//! and their adjoints scale by it, and neither needs x's values.
template <count_of Of>
struct inv_count : op_base {
    static constexpr char const* name = Of == count_of::size ? "inv_size" : Of == count_of::rows ? "inv_rows" : "inv_cols";
    static constexpr op_kind kind = op_kind::shape_only;
    static constexpr shape_rule shape = shape_rule::scalar;
    static constexpr bool reads(std::size_t) { return false; }
    static constexpr count_of count = Of;
    template <class T>
    static constexpr T value(tapeless::shape s) {
        std::size_t n = Of == count_of::size ? s.rows * s.cols : Of == count_of::rows ? s.rows : s.cols;
        return T(1) / static_cast<T>(n);
    }
};
using inv_size = inv_count<count_of::size>;
} // namespace tapeless::op

#endif
