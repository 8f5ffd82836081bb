//! @file Defines the op tag `tapeless::op::max_rows`: the maximum along each row.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_MAX_ROWS_HPP
#define TAPELESS_OPS_MAX_ROWS_HPP

#include "traits.hpp"

#include <limits>

namespace tapeless::op {

//! y_i = max_j x_ij, an m x 1 column (log_softmax subtracts it for stability).
struct max_rows : op_base {
    static constexpr char const* name = "max_rows";
    static constexpr op_kind kind = op_kind::reduction;
    static constexpr shape_rule shape = shape_rule::column;
    static constexpr std::size_t domain_arg = 0;
    template <class T>
    static constexpr T identity() { return -std::numeric_limits<T>::infinity(); }
    static constexpr auto combine(auto a, auto b) { return a < b ? b : a; }
};
} // namespace tapeless::op

#endif
