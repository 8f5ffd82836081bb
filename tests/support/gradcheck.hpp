//! @file Defines central finite differences and a relative error for checking gradients in tests.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_GRADCHECK_HPP
#define TAPELESS_TEST_SUPPORT_GRADCHECK_HPP

#include <tapeless/tensor/tensor.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>

namespace tapeless::test {

//! The numerical gradient of `f()` with respect to `p`, by central differences:
//!   g_k = (f(p + s_k e_k) - f(p - s_k e_k)) / (2 s_k),  s_k = h * max(1, |p_k|).
//! `f` must read `p` (by reference) each time it is called and return the loss as double. Each
//! element is restored bit-exactly afterwards, so `p` is unchanged on return. Truncation error is
//! O(s^2 f'''), rounding error O(eps |f| / s): h = 1e-6 balances them in double; the step is
//! computed as (p + s) - p so it is exactly representable. Keep sample points away from kinks
//! (relu at 0) by more than s, or the two sides straddle the kink.
template <class F, std::size_t R, std::size_t C>
Tensor<double> numerical_gradient(F&& f, Tensor<double, R, C>& p, double h = 1e-6) {
    Tensor<double> g(p.rows(), p.cols());
    for (std::size_t k = 0; k < p.size(); ++k) {
        double& pk = p.data()[k];
        double const saved = pk;
        double const s = ((saved + h * std::max(1.0, std::abs(saved))) - saved);
        pk = saved + s;
        double const fp = static_cast<double>(f());
        pk = saved - s;
        double const fm = static_cast<double>(f());
        pk = saved;
        g.data()[k] = (fp - fm) / (2.0 * s);
    }
    return g;
}

//! max_k |a_k - b_k| / max(1e-12, max_k |a_k|, max_k |b_k|): the largest elementwise difference
//! relative to the largest magnitude in either tensor (not per element, so tiny entries near zero
//! cannot blow it up). 0 means equal; ~1e-7 is typical for a correct gradient against
//! numerical_gradient in double; ~1e-5 for float results against a double oracle. A NaN in either
//! gives infinity, so a tolerance check fails. Throws std::invalid_argument if the shapes differ.
//! Any two tensors or views: element types may differ.
template <class A, class B>
double relative_error(A const& a, B const& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols())
        throw std::invalid_argument("relative_error: shapes differ");
    double diff = 0.0, scale = 1e-12;
    for (std::size_t k = 0; k < a.size(); ++k) {
        double const x = static_cast<double>(a.data()[k]);
        double const y = static_cast<double>(b.data()[k]);
        if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::infinity();
        diff = std::max(diff, std::abs(x - y));
        scale = std::max({scale, std::abs(x), std::abs(y)});
    }
    return diff / scale;
}

} // namespace tapeless::test

#endif
