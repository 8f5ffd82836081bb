//! @file Defines `transpose`, the one user-facing builder that simplifies: (A·B)ᵀ is Bᵀ·Aᵀ and a
//! double transpose vanishes, at the user's surface as in derived gradients.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_TRANSPOSE_HPP
#define TAPELESS_EXPR_TRANSPOSE_HPP

#include "../ops/expand.hpp"
#include "../ops/matmul.hpp"
#include "../ops/transpose.hpp"
#include "build.hpp"

namespace tapeless {

namespace detail {
constexpr auto transposed(expression auto const& a) {
    using A = std::remove_cvref_t<decltype(a)>;
    if constexpr (is_op_v<A, op::transpose>) return tapeless::arg<0>(a);
    else if constexpr (A::static_shape.rows == 1 && A::static_shape.cols == 1) return a;
    else if constexpr (is_op_v<A, op::matmul>) // (X·Y)ᵀ = Yᵀ·Xᵀ: a GEMM with swapped flags, no copy
        return tapeless::build<op::matmul, false>(detail::transposed(tapeless::arg<1>(a)), detail::transposed(tapeless::arg<0>(a)));
    else if constexpr (is_op_v<A, op::expand>) // transpose what is inside the broadcast
        return tapeless::build<op::expand, false>(detail::transposed(tapeless::arg<0>(a)), detail::transposed(tapeless::arg<1>(a)));
    else return tapeless::build<op::transpose, false>(a);
}

} // namespace detail

//! Transpose: free when it feeds a matmul (a GEMM flag), a strided read elsewhere; (A·B)ᵀ is
//! rewritten Bᵀ·Aᵀ and a double transpose vanishes.
constexpr auto transpose(expression auto const& a) { return detail::transposed(a); }

} // namespace tapeless

#endif
