//! @file Declares the one GEMM interface every matrix product in tapeless goes through, and how a
//! backend is chosen for each product.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_LINALG_GEMM_HPP
#define TAPELESS_LINALG_GEMM_HPP

#include "../config.hpp"
#include "backend/portable.hpp"
#ifdef TAPELESS_GEMM_BACKEND_CBLAS
#include "backend/cblas.hpp"
#endif

#include <cstddef>

namespace tapeless {

//! Where a matrix product runs. `cblas` exists when the `tapeless::blas` target (which defines
//! TAPELESS_GEMM_BACKEND_CBLAS and links a BLAS) is used; `portable` always.
enum class gemm_backend : unsigned char { portable, cblas };

//! Whether the CBLAS backend was compiled in.
inline constexpr bool have_cblas =
#ifdef TAPELESS_GEMM_BACKEND_CBLAS
    true;
#else
    false;
#endif

//! The backend for one product of op(A) m x k by op(B) k x n, chosen when a step is bound. With
//! CBLAS compiled in, products with an extent below 16 still run on the portable kernels: their
//! matrix-vector and outer-product paths measured 3-4x faster than OpenBLAS 0.3.21's on these
//! shapes (benchmarks/RESULTS.md), and a BLAS call's set-up dominates there.
constexpr gemm_backend choose_gemm_backend(std::size_t m, std::size_t n, std::size_t k) {
    if (!have_cblas || m < 16 || n < 16 || k < 16) return gemm_backend::portable;
    return gemm_backend::cblas;
}

//! C = alpha * op(A) * op(B) + beta * C, all row-major; op(A) is m x k, op(B) is k x n, C is m x n.
//! `ta`/`tb` select a transpose, so transposes in expressions never copy. lda/ldb/ldc are row
//! strides of the stored (untransposed) matrices. With beta == 0, C is not read (may be garbage).
//! Runs on `backend` (CBLAS only if compiled in; else portable); both are also reachable directly
//! as `backend::cblas::gemm` and `backend::portable::gemm` for tests and benchmarks.
template <class T>
inline void gemm(gemm_backend backend, bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha,
                 T const* a, std::size_t lda, T const* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
#ifdef TAPELESS_GEMM_BACKEND_CBLAS
    if (backend == gemm_backend::cblas) {
        backend::cblas::gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
#endif
    (void)backend;
    backend::portable::gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

//! The same on the backend `choose_gemm_backend` picks for these extents.
template <class T>
inline void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, T const* a,
                 std::size_t lda, T const* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    gemm<T>(choose_gemm_backend(m, n, k), ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

//! Name of the backend large products run on, for benchmark reports.
inline constexpr char const* gemm_backend_name() { return have_cblas ? "cblas" : "portable"; }

} // namespace tapeless

#endif
