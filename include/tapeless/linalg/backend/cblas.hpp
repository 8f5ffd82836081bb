//! @file Defines the CBLAS GEMM backend, forwarding to `cblas_sgemm` / `cblas_dgemm` row-major.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_LINALG_BACKEND_CBLAS_HPP
#define TAPELESS_LINALG_BACKEND_CBLAS_HPP

#include "../../config.hpp"

#include <cblas.h>

#include <cstddef>
#include <type_traits>

namespace tapeless::backend::cblas {

//! C = alpha * op(A) * op(B) + beta * C, row-major; see `tapeless::gemm` for the contract.
template <class T>
void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, T const* a,
          std::size_t lda, T const* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "tapeless: gemm: float or double only");
    if (m == 0 || n == 0) return;
    if (k == 0) {
        // BLAS would accept k == 0, but its ld checks reject lda < 1; do C = beta * C here.
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j)
                c[i * ldc + j] = beta == T(0) ? T(0) : beta * c[i * ldc + j];
        return;
    }
    // Row-major BLAS requires ld >= the stored row length; a view's stride may not say so when
    // there is a single row, so raise it to the minimum, which is never used as a stride then.
    auto const fix = [](std::size_t ld, std::size_t cols) { return ld < cols ? cols : ld; };
    auto const ta_ = ta ? CblasTrans : CblasNoTrans;
    auto const tb_ = tb ? CblasTrans : CblasNoTrans;
    // int converts implicitly to whichever index type the cblas.h in use declares (blasint,
    // CBLAS_INT); both are int on the standard LP64 interfaces.
    auto const ilda = static_cast<int>(fix(lda, ta ? m : k));
    auto const ildb = static_cast<int>(fix(ldb, tb ? k : n));
    auto const ildc = static_cast<int>(fix(ldc, n));
    auto const im = static_cast<int>(m), in = static_cast<int>(n), ik = static_cast<int>(k);
    if constexpr (std::is_same_v<T, float>)
        cblas_sgemm(CblasRowMajor, ta_, tb_, im, in, ik, alpha, a, ilda, b, ildb, beta, c, ildc);
    else
        cblas_dgemm(CblasRowMajor, ta_, tb_, im, in, ik, alpha, a, ilda, b, ildb, beta, c, ildc);
}

} // namespace tapeless::backend::cblas

#endif
