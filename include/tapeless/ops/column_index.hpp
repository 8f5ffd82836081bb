//! @file Defines the op tag `tapeless::op::column_index`: the column index of each element.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_COLUMN_INDEX_HPP
#define TAPELESS_OPS_COLUMN_INDEX_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y_ij = j over the shape of x (x is read for its shape only): with `equal` it builds one-hot
//! masks from integer class labels, without materialising them.
struct column_index : op_base {
    static constexpr char const* name = "column_index";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::like_last;
    static constexpr bool reads(std::size_t) { return false; }
    static constexpr bool indexes_columns = true;
};
} // namespace tapeless::op

#endif
