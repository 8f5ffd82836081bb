//! @file Defines the `TAPELESS_CONFIG_*` knobs users may set before including tapeless.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_CONFIG_HPP
#define TAPELESS_CONFIG_HPP

//! Byte alignment of every buffer tapeless allocates (tensors and workspaces); one cache line and
//! one AVX-512 register, so aligned vector loads never split a line.
#ifndef TAPELESS_CONFIG_ALIGNMENT
#define TAPELESS_CONFIG_ALIGNMENT 64
#endif

//! GEMM backend: defined by the `tapeless::blas` CMake target to route matrix products to CBLAS;
//! otherwise the portable kernels in `linalg/backend/portable.hpp` are used.
// #define TAPELESS_GEMM_BACKEND_CBLAS

//! Compile the portable GEMM once per program instead of once per translation unit: where this is
//! defined, its float and double kernels are declared `extern template`, and exactly one .cpp of
//! the program, built with the same flags, includes `<tapeless/linalg/gemm_instances.hpp>`. Each
//! translation unit that multiplies matrices then compiles about 2 s faster per element type at -O2
//! (g++ 12 and clang 14, `benchmarks/RESULTS.md`); the code run is the same.
// #define TAPELESS_SEPARATE_GEMM

#if defined(__GNUC__) || defined(__clang__)
#define TAPELESS_RESTRICT __restrict__
#define TAPELESS_ALWAYS_INLINE inline __attribute__((always_inline))
#define TAPELESS_NOINLINE __attribute__((noinline))
#else
#define TAPELESS_RESTRICT
#define TAPELESS_ALWAYS_INLINE inline
#define TAPELESS_NOINLINE
#endif

#endif
