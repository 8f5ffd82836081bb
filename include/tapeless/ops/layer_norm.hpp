//! @file Defines the op tags `tapeless::op::layer_norm` and `op::layer_norm_back`: each row
//! normalised to mean 0 and variance 1, and the adjoint of that, each one kernel over rows.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_LAYER_NORM_HPP
#define TAPELESS_OPS_LAYER_NORM_HPP

#include "../config.hpp"
#include "../detail/reduce_sum.hpp"
#include "custom.hpp"
#include "traits.hpp"

#include <cmath>
#include <cstddef>

namespace tapeless {

namespace detail {
//! A row's mean μ and 1/σ = 1/√(var + eps), var the biased variance (PyTorch's), in two passes:
//! the sum of squared deviations, never E[x²] - μ², which cancels for rows far from zero.
template <class T>
struct row_moments {
    T mean, rstd;
};
template <class T>
TAPELESS_ALWAYS_INLINE row_moments<T> moments(T const* x, std::size_t d, T eps) {
    T const inv_d = T(1) / static_cast<T>(d);
    T const mean = tapeless::detail::reduce_sum<T>(d, [&](std::size_t j) { return x[j]; }) * inv_d;
    T const var = tapeless::detail::reduce_sum<T>(d, [&](std::size_t j) { return (x[j] - mean) * (x[j] - mean); }) * inv_d;
    return {mean, T(1) / std::sqrt(var + eps)};
}
} // namespace detail

namespace op {

//! x̂_ij = (x_ij - μ_i) / √(σ²_i + eps) over the d columns of row i: `tl::layer_norm` before its
//! gain and bias, which are elementwise and fuse into the loops around it. Args (x, eps).
struct layer_norm : op_base {
    static constexpr char const* name = "layer_norm";
    static constexpr op_kind kind = op_kind::custom;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 5;

    template <class T>
    static void run(custom_view<T> const& v, std::size_t first, std::size_t last) {
        std::size_t const d = v.ys.cols;
        T const eps = v.scalar(1);
        for (std::size_t i = first; i < last; ++i) {
            T const* TAPELESS_RESTRICT x = v.x[0] + i * d;
            T* TAPELESS_RESTRICT y = v.y + i * d;
            auto const m = tapeless::detail::moments(x, d, eps);
            for (std::size_t j = 0; j < d; ++j) y[j] = (x[j] - m.mean) * m.rstd;
        }
    }
};

//! x̄ from (x, ȳ, eps) for x̂ = layer_norm(x): x̄_ij = (ȳ_ij - mean_j ȳ_ij - x̂_ij · mean_j(ȳ_ij x̂_ij)) / σ_i.
//! μ and σ are recomputed from x (two passes over a row in cache) rather than kept: nothing per
//! row outlives the forward pass, and x is in memory anyway.
struct layer_norm_back : op_base {
    static constexpr char const* name = "layer_norm_back";
    static constexpr op_kind kind = op_kind::custom;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 10;

    template <class T>
    static void run(custom_view<T> const& v, std::size_t first, std::size_t last) {
        std::size_t const d = v.ys.cols;
        T const eps = v.scalar(2), inv_d = T(1) / static_cast<T>(d);
        for (std::size_t i = first; i < last; ++i) {
            T const* TAPELESS_RESTRICT x = v.x[0] + i * d;
            T const* TAPELESS_RESTRICT g = v.x[1] + i * d;
            T* TAPELESS_RESTRICT out = v.y + i * d;
            auto const m = tapeless::detail::moments(x, d, eps);
            T const mg = tapeless::detail::reduce_sum<T>(d, [&](std::size_t j) { return g[j]; }) * inv_d;
            T const mgx =
                tapeless::detail::reduce_sum<T>(d, [&](std::size_t j) { return g[j] * ((x[j] - m.mean) * m.rstd); }) *
                inv_d;
            for (std::size_t j = 0; j < d; ++j) out[j] = (g[j] - mg - ((x[j] - m.mean) * m.rstd) * mgx) * m.rstd;
        }
    }
};

} // namespace op
} // namespace tapeless

#endif
