//! @file Declares the one GEMM interface every matrix product in tapeless goes through.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_GEMM_HPP
#define TAPELESS_EVAL_GEMM_HPP

#include "../config.hpp"
#include "backend/portable.hpp"
#ifdef TAPELESS_GEMM_BACKEND_CBLAS
#include "backend/cblas.hpp"
#endif

#include <cstddef>

namespace tapeless {

//! C = alpha * op(A) * op(B) + beta * C, all row-major; op(A) is m x k, op(B) is k x n, C is m x n.
//! `ta`/`tb` select a transpose, so transposes in expressions never copy. lda/ldb/ldc are row
//! strides of the stored (untransposed) matrices. With beta == 0, C is not read (may be garbage).
//! Routed to CBLAS when the `tapeless::blas` target defines TAPELESS_GEMM_BACKEND_CBLAS, else to the
//! portable kernels; both are always reachable directly as `backend::cblas::gemm` and
//! `backend::portable::gemm` for tests and benchmarks.
template <class T>
inline void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha,
                 T const* a, std::size_t lda, T const* b, std::size_t ldb, T beta, T* c,
                 std::size_t ldc) {
#ifdef TAPELESS_GEMM_BACKEND_CBLAS
    backend::cblas::gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#else
    backend::portable::gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#endif
}

//! Name of the backend `gemm` routes to, for benchmark reports.
inline constexpr char const* gemm_backend_name() {
#ifdef TAPELESS_GEMM_BACKEND_CBLAS
    return "cblas";
#else
    return "portable";
#endif
}

} // namespace tapeless

#endif
