//! @file Defines the op tag `tapeless::op::matmul`: matrix product.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_MATMUL_HPP
#define TAPELESS_OPS_MATMUL_HPP

#include "traits.hpp"

namespace tapeless::op {

//! C = A·B for A m x k and B k x n. Always a GEMM call; transposed operands become GEMM flags.
struct matmul : op_base {
    static constexpr char const* name = "matmul";
    static constexpr op_kind kind = op_kind::contraction;
    static constexpr shape_rule shape = shape_rule::matmul;
};
} // namespace tapeless::op

#endif
