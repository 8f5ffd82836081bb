//! @file Defines the tape's element loops: each op's forward value and its vector-Jacobian product.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TAPE_KERNELS_HPP
#define TAPELESS_TAPE_KERNELS_HPP

#include "../config.hpp"
#include "../detail/reduce_sum.hpp"
#include "node.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

// Every derivative here is written from the math, independently of graph/rules/: the tape is the
// oracle the compile-time side is tested against. `g` is the output adjoint ȳ, `y` the output value.
namespace tapeless::tape::detail {

// ---------------------------------------------------------------------------------------------
using tapeless::detail::reduce_sum;

// Stable logistic: exp of a non-positive argument only, both branches accurate in relative terms.
template <class T>
TAPELESS_ALWAYS_INLINE T sigmoid(T x) {
    T const e = std::exp(-std::abs(x));
    return x >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
}

// Stable log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
template <class T>
TAPELESS_ALWAYS_INLINE T softplus(T x) {
    return std::max(x, T(0)) + std::log1p(std::exp(-std::abs(x)));
}

// ---------------------------------------------------------------------------------------------
// Unary elementwise ops: f(x; a, b) and d = ȳ · f'(x) (using y = f(x) where that is cheaper).
struct u_affine { // y = a x + b                 => x̄ = ȳ a
    template <class T> static T f(T x, T a, T b) { return a * x + b; }
    template <class T> static T d(T, T, T g, T a, T) { return g * a; }
};
struct u_rdiv { // y = a / x                      => x̄ = -ȳ y / x
    template <class T> static T f(T x, T a, T) { return a / x; }
    template <class T> static T d(T x, T y, T g, T, T) { return -g * y / x; }
};
struct u_relu { // y = max(x, 0)                  => x̄ = ȳ [x > 0]
    template <class T> static T f(T x, T, T) { return x > T(0) ? x : T(0); }
    template <class T> static T d(T x, T, T g, T, T) { return x > T(0) ? g : T(0); }
};
struct u_leaky_relu { // y = x > 0 ? x : a x      => x̄ = ȳ (x > 0 ? 1 : a)
    template <class T> static T f(T x, T a, T) { return x > T(0) ? x : a * x; }
    template <class T> static T d(T x, T, T g, T a, T) { return x > T(0) ? g : a * g; }
};
struct u_square { // y = x²                       => x̄ = 2 ȳ x
    template <class T> static T f(T x, T, T) { return x * x; }
    template <class T> static T d(T x, T, T g, T, T) { return T(2) * g * x; }
};
struct u_exp { // y = eˣ                          => x̄ = ȳ y
    template <class T> static T f(T x, T, T) { return std::exp(x); }
    template <class T> static T d(T, T y, T g, T, T) { return g * y; }
};
struct u_log { // y = log x                       => x̄ = ȳ / x
    template <class T> static T f(T x, T, T) { return std::log(x); }
    template <class T> static T d(T x, T, T g, T, T) { return g / x; }
};
struct u_sqrt { // y = √x                         => x̄ = ȳ / (2 y)
    template <class T> static T f(T x, T, T) { return std::sqrt(x); }
    template <class T> static T d(T, T y, T g, T, T) { return g / (T(2) * y); }
};
struct u_abs { // y = |x|                         => x̄ = ȳ sign(x)
    template <class T> static T f(T x, T, T) { return std::abs(x); }
    template <class T> static T d(T x, T, T g, T, T) { return x > T(0) ? g : (x < T(0) ? -g : T(0)); }
};
struct u_tanh { // y = tanh x                     => x̄ = ȳ (1 - y²)
    template <class T> static T f(T x, T, T) { return std::tanh(x); }
    template <class T> static T d(T, T y, T g, T, T) { return g * (T(1) - y * y); }
};
struct u_sigmoid { // y = σ(x)                    => x̄ = ȳ y (1 - y)
    template <class T> static T f(T x, T, T) { return sigmoid(x); }
    template <class T> static T d(T, T y, T g, T, T) { return g * y * (T(1) - y); }
};
struct u_softplus { // y = log(1 + eˣ)            => x̄ = ȳ σ(x)
    template <class T> static T f(T x, T, T) { return softplus(x); }
    template <class T> static T d(T x, T, T g, T, T) { return g * sigmoid(x); }
};
// GELU, tanh form: t = tanh u, u = √(2/π)(x + a x³). (1 + t)/2 is taken as 1 / (1 + e^{-2u}) and
// 1 - t² as 1 / cosh² u, so neither cancels in the tails; e^{-2u} and cosh overflow to inf harmlessly.
struct u_gelu { // y = x (1 + t) / 2              => x̄ = ȳ ((1 + t)/2 + x (1 - t²) u' / 2)
    static constexpr double k = 0.7978845608028654, a = 0.044715; // √(2/π), PyTorch's cubic term
    template <class T> static T u(T x) { return T(k) * (x + T(a) * x * x * x); }
    template <class T> static T f(T x, T, T) { return x / (T(1) + std::exp(T(-2) * u(x))); }
    template <class T> static T d(T x, T, T g, T, T) {
        T const half_1pt = T(1) / (T(1) + std::exp(T(-2) * u(x)));
        T const c = std::cosh(u(x));
        T const sech2 = T(1) / (c * c);
        if (sech2 == T(0)) return g * half_1pt; // u' may be inf there: 0 · inf
        return g * (half_1pt + T(0.5) * x * sech2 * T(k) * (T(1) + T(3 * a) * x * x));
    }
};
struct u_log1p { // y = log(1 + x)               => x̄ = ȳ / (1 + x)
    template <class T> static T f(T x, T, T) { return std::log1p(x); }
    template <class T> static T d(T x, T, T g, T, T) { return g / (T(1) + x); }
};
struct u_pow { // y = xᵃ                          => x̄ = ȳ a xᵃ⁻¹ (not a y / x: x may be 0)
    template <class T> static T f(T x, T a, T) { return std::pow(x, a); }
    template <class T> static T d(T x, T, T g, T a, T) { return g * a * std::pow(x, a - T(1)); }
};
struct u_clamp { // y = min(max(x, a), b)         => x̄ = ȳ [a <= x <= b]
    template <class T> static T f(T x, T a, T b) { return std::min(std::max(x, a), b); }
    template <class T> static T d(T x, T, T g, T a, T b) { return (x >= a && x <= b) ? g : T(0); }
};

//! Calls `f.template operator()<U>()` with the functor of a unary op code; false if not unary.
template <class F>
bool visit_unary(op_code op, F&& f) {
    switch (op) {
    case op_code::affine: f.template operator()<u_affine>(); return true;
    case op_code::rdiv: f.template operator()<u_rdiv>(); return true;
    case op_code::relu: f.template operator()<u_relu>(); return true;
    case op_code::leaky_relu: f.template operator()<u_leaky_relu>(); return true;
    case op_code::square: f.template operator()<u_square>(); return true;
    case op_code::exp: f.template operator()<u_exp>(); return true;
    case op_code::log: f.template operator()<u_log>(); return true;
    case op_code::sqrt: f.template operator()<u_sqrt>(); return true;
    case op_code::abs: f.template operator()<u_abs>(); return true;
    case op_code::tanh: f.template operator()<u_tanh>(); return true;
    case op_code::sigmoid: f.template operator()<u_sigmoid>(); return true;
    case op_code::softplus: f.template operator()<u_softplus>(); return true;
    case op_code::gelu: f.template operator()<u_gelu>(); return true;
    case op_code::log1p: f.template operator()<u_log1p>(); return true;
    case op_code::pow: f.template operator()<u_pow>(); return true;
    case op_code::clamp: f.template operator()<u_clamp>(); return true;
    default: return false;
    }
}

template <class U, class T>
void unary_forward(std::size_t n, T const* TAPELESS_RESTRICT x, T* TAPELESS_RESTRICT y, T a, T b) {
    for (std::size_t k = 0; k < n; ++k) y[k] = U::f(x[k], a, b);
}

// First contribution stores, later ones add: no pass zeroing the adjoint beforehand.
template <class U, class T>
void unary_backward(std::size_t n, T const* TAPELESS_RESTRICT x, T const* TAPELESS_RESTRICT y,
                    T const* TAPELESS_RESTRICT g, T* TAPELESS_RESTRICT d, T a, T b, bool accumulate) {
    if (accumulate)
        for (std::size_t k = 0; k < n; ++k) d[k] += U::d(x[k], y[k], g[k], a, b);
    else
        for (std::size_t k = 0; k < n; ++k) d[k] = U::d(x[k], y[k], g[k], a, b);
}

// ---------------------------------------------------------------------------------------------
// Binary elementwise ops: f(a, b), and d<0> = ȳ ∂f/∂a, d<1> = ȳ ∂f/∂b.
struct b_add { // y = a + b                       => ā = ȳ, b̄ = ȳ
    template <class T> static T f(T a, T b) { return a + b; }
    template <int W, class T> static T d(T, T, T, T g) { return g; }
};
struct b_sub { // y = a - b                       => ā = ȳ, b̄ = -ȳ
    template <class T> static T f(T a, T b) { return a - b; }
    template <int W, class T> static T d(T, T, T, T g) { return W == 0 ? g : -g; }
};
struct b_mul { // y = a b                         => ā = ȳ b, b̄ = ȳ a
    template <class T> static T f(T a, T b) { return a * b; }
    template <int W, class T> static T d(T a, T b, T, T g) { return W == 0 ? g * b : g * a; }
};
struct b_div { // y = a / b                       => ā = ȳ / b, b̄ = -ȳ y / b
    template <class T> static T f(T a, T b) { return a / b; }
    template <int W, class T> static T d(T, T b, T y, T g) { return W == 0 ? g / b : -g * y / b; }
};
struct b_max { // y = max(a, b)                   => ā = ȳ [a >= b], b̄ = ȳ [a < b]
    template <class T> static T f(T a, T b) { return a >= b ? a : b; }
    template <int W, class T> static T d(T a, T b, T, T g) { return (a >= b) == (W == 0) ? g : T(0); }
};
struct b_min { // y = min(a, b)                   => ā = ȳ [a <= b], b̄ = ȳ [a > b]
    template <class T> static T f(T a, T b) { return a <= b ? a : b; }
    template <int W, class T> static T d(T a, T b, T, T g) { return (a <= b) == (W == 0) ? g : T(0); }
};

// y = b: broadcasts a bias into a product's output before the GEMM accumulates onto it.
struct b_right {
    template <class T> static T f(T, T b) { return b; }
};

template <class F>
bool visit_binary(op_code op, F&& f) {
    switch (op) {
    case op_code::add: f.template operator()<b_add>(); return true;
    case op_code::sub: f.template operator()<b_sub>(); return true;
    case op_code::mul: f.template operator()<b_mul>(); return true;
    case op_code::div: f.template operator()<b_div>(); return true;
    case op_code::max: f.template operator()<b_max>(); return true;
    case op_code::min: f.template operator()<b_min>(); return true;
    default: return false;
    }
}

//! How an operand of shape r x c is read at output position (i, j) of an R x C result: row i
//! starts at p + i * rs (rs = 0 when the operand's rows are broadcast), and its column index is j
//! when `inner`, else 0 (columns broadcast). When every operand is full-sized or 1 x 1, the whole
//! op is treated as one row of R·C elements, so the common cases are one flat loop.
template <class T>
struct operand {
    T const* p;
    std::size_t rs;
    bool inner;
};

struct extents {
    std::size_t R, C;
    bool flat;
};

inline extents broadcast_extents(std::size_t R, std::size_t C, std::size_t ra, std::size_t ca, std::size_t rb,
                                 std::size_t cb) {
    auto full_or_scalar = [&](std::size_t r, std::size_t c) { return (r == R && c == C) || (r == 1 && c == 1); };
    if (full_or_scalar(ra, ca) && full_or_scalar(rb, cb)) return {1, R * C, true};
    return {R, C, false};
}

template <class T>
operand<T> make_operand(T const* p, std::size_t r, std::size_t c, extents e) {
    if (e.flat) return {p, 0, r * c == e.C};
    return {p, r == 1 ? 0 : c, c == e.C};
}

// Calls f(bool_constant<A>, bool_constant<B>) for runtime a, b: the broadcast patterns become
// compile-time, so every inner loop is either contiguous or a broadcast scalar, and vectorizes.
template <class F>
TAPELESS_ALWAYS_INLINE void with_bools(bool a, bool b, F&& f) {
    if (a) {
        if (b) f(std::true_type{}, std::true_type{});
        else f(std::true_type{}, std::false_type{});
    } else {
        if (b) f(std::false_type{}, std::true_type{});
        else f(std::false_type{}, std::false_type{});
    }
}

template <class B, bool AI, bool BI, class T>
void binary_forward_kernel(extents e, operand<T> a, operand<T> b, T* TAPELESS_RESTRICT y) {
    for (std::size_t i = 0; i < e.R; ++i) {
        T const* ar = a.p + i * a.rs;
        T const* br = b.p + i * b.rs;
        T* TAPELESS_RESTRICT yr = y + i * e.C;
        for (std::size_t j = 0; j < e.C; ++j) yr[j] = B::f(ar[AI ? j : 0], br[BI ? j : 0]);
    }
}

template <class B, class T>
void binary_forward(extents e, operand<T> a, operand<T> b, T* y) {
    with_bools(a.inner, b.inner, [&](auto ai, auto bi) { binary_forward_kernel<B, ai(), bi()>(e, a, b, y); });
}

// The adjoint of operand W (its own pattern is the destination's): a full-sized destination gets
// one value per element, a broadcast one the sum over its broadcast extents.
template <class B, int W, bool AI, bool BI, bool Acc, class T>
void binary_backward_kernel(extents e, operand<T> a, operand<T> b, T const* y, T const* g,
                            T* TAPELESS_RESTRICT d) {
    operand<T> const& self = W == 0 ? a : b;
    constexpr bool DI = W == 0 ? AI : BI;
    for (std::size_t i = 0; i < e.R; ++i) {
        T const* ar = a.p + i * a.rs;
        T const* br = b.p + i * b.rs;
        T const* yr = y + i * e.C;
        T const* gr = g + i * e.C;
        T* TAPELESS_RESTRICT dr = d + i * self.rs;
        if constexpr (DI) {
            for (std::size_t j = 0; j < e.C; ++j) {
                T const v = B::template d<W>(ar[AI ? j : 0], br[BI ? j : 0], yr[j], gr[j]);
                if constexpr (Acc) dr[j] += v;
                else dr[j] = v;
            }
        } else {
            // Written to a block, then summed from it: g++ 12 -O3 on AVX2 miscompiles a select
            // (max, min) inside reduce_sum's eight-lane reduction of doubles, which it turns into
            // two vectors of masked loads; an elementwise loop and a plain sum are both safe.
            constexpr std::size_t block = 64;
            T v[block];
            T s = T(0);
            for (std::size_t j0 = 0; j0 < e.C; j0 += block) {
                std::size_t const n = std::min(block, e.C - j0);
                for (std::size_t j = 0; j < n; ++j)
                    v[j] = B::template d<W>(ar[AI ? j0 + j : 0], br[BI ? j0 + j : 0], yr[j0 + j], gr[j0 + j]);
                s += reduce_sum<T>(n, [&](std::size_t j) { return v[j]; });
            }
            if constexpr (Acc) dr[0] += s;
            else dr[0] = s;
        }
    }
}

//! Adds operand W's adjoint contribution into `d`, storing instead when `!has_grad` (then marks it).
//! A destination whose rows are broadcast is written by every row (or by none, when the result
//! has no rows), so it is zeroed first.
template <class B, int W, class T>
void binary_backward(extents e, operand<T> a, operand<T> b, T const* y, T const* g, T* d, std::size_t dsize,
                     bool& has_grad) {
    operand<T> const& self = W == 0 ? a : b;
    if (!has_grad && self.rs == 0 && e.R != 1) {
        std::fill_n(d, dsize, T(0));
        has_grad = true;
    }
    bool const acc = has_grad;
    with_bools(a.inner, b.inner, [&](auto ai, auto bi) {
        if (acc) binary_backward_kernel<B, W, ai(), bi(), true>(e, a, b, y, g, d);
        else binary_backward_kernel<B, W, ai(), bi(), false>(e, a, b, y, g, d);
    });
    has_grad = true;
}

// ---------------------------------------------------------------------------------------------
// Layout and reductions.

// dst (c x r) = srcᵀ (r x c), or dst += srcᵀ.
template <bool Acc, class T>
void transpose_into(std::size_t r, std::size_t c, T const* TAPELESS_RESTRICT src, T* TAPELESS_RESTRICT dst) {
    for (std::size_t i = 0; i < r; ++i)
        for (std::size_t j = 0; j < c; ++j) {
            if constexpr (Acc) dst[j * r + i] += src[i * c + j];
            else dst[j * r + i] = src[i * c + j];
        }
}

// y_ij = s (i-th row sum); y_j = s (j-th column sum); scaled by `scale`.
template <class T>
void sum_rows_forward(std::size_t r, std::size_t c, T const* x, T* y, T scale) {
    for (std::size_t i = 0; i < r; ++i) y[i] = scale * reduce_sum<T>(c, [&](std::size_t j) { return x[i * c + j]; });
}
template <class T>
void sum_cols_forward(std::size_t r, std::size_t c, T const* TAPELESS_RESTRICT x, T* TAPELESS_RESTRICT y, T scale) {
    std::fill_n(y, c, T(0));
    for (std::size_t i = 0; i < r; ++i)
        for (std::size_t j = 0; j < c; ++j) y[j] += x[i * c + j];
    for (std::size_t j = 0; j < c; ++j) y[j] *= scale;
}

// x̄_ij (+)= scale · ȳ at (i or 0, j or 0): the adjoint of a sum spreads back over what it summed.
template <bool RowsSummed, bool ColsSummed, class T>
void spread(std::size_t r, std::size_t c, T const* TAPELESS_RESTRICT g, T* TAPELESS_RESTRICT d, T scale,
            bool accumulate) {
    for (std::size_t i = 0; i < r; ++i) {
        T const* gr = g + (RowsSummed ? 0 : i * (ColsSummed ? 1 : c));
        T* TAPELESS_RESTRICT dr = d + i * c;
        if (accumulate)
            for (std::size_t j = 0; j < c; ++j) dr[j] += scale * gr[ColsSummed ? 0 : j];
        else
            for (std::size_t j = 0; j < c; ++j) dr[j] = scale * gr[ColsSummed ? 0 : j];
    }
}

// ---------------------------------------------------------------------------------------------
// Row-wise normalisations, all stable: the row max is subtracted before exponentiating.

//! A row's log-sum-exp as m + log s, m = max_j x_j, s = Σ_j exp(x_j - m) in [1, c]. Kept as two
//! parts: x_j - m is exact or tiny where it matters, so (x_j - m) - log s is accurate to the ulps of
//! the result, where x_j - (m + log s) would carry the rounding of m + log s (an ulp of 1000 is 6e-5
//! in float, and exp turns that into a relative error of a probability).
template <class T>
struct row_lse {
    T max, log_sum;
};
template <class T>
row_lse<T> row_logsumexp(std::size_t c, T const* x) {
    T m = x[0];
    for (std::size_t j = 1; j < c; ++j) m = x[j] > m ? x[j] : m;
    return {m, std::log(reduce_sum<T>(c, [&](std::size_t j) { return std::exp(x[j] - m); }))};
}

} // namespace tapeless::tape::detail

#endif
