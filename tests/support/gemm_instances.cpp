//! @file The portable GEMM's kernels, compiled once and linked into every `tapeless.test.*`
//! executable (the tests are built with TAPELESS_SEPARATE_GEMM).
// SPDX-License-Identifier: BSL-1.0
#include <tapeless/linalg/gemm_instances.hpp>
