//! @file Defines the op tag `tapeless::op::sum_rows`: the sum along each row.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_SUM_ROWS_HPP
#define TAPELESS_OPS_SUM_ROWS_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y_i = Σ_j x_ij, an m x 1 column.
struct sum_rows : sum_reduction {
    static constexpr char const* name = "sum_rows";
    static constexpr shape_rule shape = shape_rule::column;
};
} // namespace tapeless::op

#endif
