//! @file Defines the op tag `tapeless::op::sum_cols`: the sum along each column.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_SUM_COLS_HPP
#define TAPELESS_OPS_SUM_COLS_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y_j = Σ_i x_ij, a 1 x n row.
struct sum_cols : sum_reduction {
    static constexpr char const* name = "sum_cols";
    static constexpr shape_rule shape = shape_rule::row;
};
} // namespace tapeless::op

#endif
