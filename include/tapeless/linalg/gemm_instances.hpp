//! @file Defines the portable GEMM's float and double kernels for a program built with
//! TAPELESS_SEPARATE_GEMM (see config.hpp): include it in exactly one .cpp of that program, compiled
//! with the same flags as the others (the kernels' vector width follows the target ISA).
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_LINALG_GEMM_INSTANCES_HPP
#define TAPELESS_LINALG_GEMM_INSTANCES_HPP

#include "backend/portable.hpp"

namespace tapeless::backend::portable {
TAPELESS_PORTABLE_GEMM_INSTANCES(, float)
TAPELESS_PORTABLE_GEMM_INSTANCES(, double)
} // namespace tapeless::backend::portable

#endif
