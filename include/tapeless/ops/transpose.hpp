//! @file Defines the op tag `tapeless::op::transpose`: matrix transpose.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_TRANSPOSE_HPP
#define TAPELESS_OPS_TRANSPOSE_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = xᵀ. Never copied: folded into GEMM flags, or read with swapped indices.
struct transpose : op_base {
    static constexpr char const* name = "transpose";
    static constexpr op_kind kind = op_kind::layout;
    static constexpr shape_rule shape = shape_rule::transpose;
};
} // namespace tapeless::op

#endif
