//! @file Defines the op tags `tapeless::op::gelu` (tanh approximation) and its two derivatives.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_GELU_HPP
#define TAPELESS_OPS_GELU_HPP

#include "traits.hpp"

#include <cmath>

namespace tapeless::detail {

//! √(2/π) and the cubic coefficient of the tanh approximation (PyTorch's `approximate='tanh'`).
inline constexpr double gelu_k = 0.7978845608028654;
inline constexpr double gelu_a = 0.044715;

//! s = σ(v) = (1 + tanh u) / 2 and q = σ'(v) = s (1 - s), at v = 2u, u = √(2/π)(x + a x³).
template <class T>
struct gelu_gate {
    T s, q;
};

// From e = e^{-|v|} <= 1: no overflow, and no cancellation in 1 + tanh u for u < 0, where the
// literal formula keeps 5 digits of gelu(-6) = -8.4e-11 in double and gives 0 for gelu(-10).
template <class T>
gelu_gate<T> gelu_gate_of(T x) {
    using std::exp;
    T const v = T(2 * gelu_k) * (x + T(gelu_a) * x * x * x);
    T const e = exp(-(v < T(0) ? -v : v));
    T const d = T(1) + e;
    return {v >= T(0) ? T(1) / d : e / d, e / (d * d)};
}

// v' = 2√(2/π)(1 + 3a x²), the gate argument's slope, shared by gelu' and gelu''.
template <class T>
T gelu_dv(T x) {
    return T(2 * gelu_k) * (T(1) + T(3 * gelu_a) * x * x);
}

} // namespace tapeless::detail

namespace tapeless::op {

//! y = x/2 · (1 + tanh(√(2/π)(x + 0.044715 x³))) = x σ(2u), computed in the σ form.
struct gelu : op_base {
    static constexpr char const* name = "gelu";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 20;
    static auto apply(auto x) { return x * detail::gelu_gate_of(x).s; }
};

//! y = gelu'(x) = s + x q v', v' = 2√(2/π)(1 + 3a x²): one op, so the backward loop evaluates
//! the gate once instead of a chain of a dozen records.
struct gelu_slope : op_base {
    static constexpr char const* name = "gelu_slope";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 25;
    static auto apply(auto x) {
        using T = decltype(x);
        auto const [s, q] = detail::gelu_gate_of(x);
        if (q == T(0))
            return s; // far tails, where v' may overflow (|x| > 1e19 in float): no 0 · inf
        T const dv = detail::gelu_dv(x);
        return s + x * q * dv;
    }
};

//! y = gelu''(x) = q (2v' + x (1 - 2s) v'² + x v''), v'' = 12√(2/π) a x: the derivative of
//! gelu_slope, so a Hessian-vector product through gelu is exact too.
struct gelu_curvature : op_base {
    static constexpr char const* name = "gelu_curvature";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 30;
    static auto apply(auto x) {
        using T = decltype(x);
        auto const [s, q] = detail::gelu_gate_of(x);
        if (q == T(0))
            return T(0); // far tails: 0 in T, where v'² may overflow
        T const dv = detail::gelu_dv(x);
        T const ddv = T(12 * detail::gelu_k * detail::gelu_a) * x;
        return q * (T(2) * dv + x * (T(1) - T(2) * s) * dv * dv + x * ddv);
    }
};

} // namespace tapeless::op

#endif
