//! @file Defines the elementwise functions on expressions: relu, exp, log, tanh, sigmoid, ...
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_MATH_HPP
#define TAPELESS_EXPR_MATH_HPP

#include "../ops/abs.hpp"
#include "../ops/exp.hpp"
#include "../ops/gelu.hpp"
#include "../ops/leaky_relu.hpp"
#include "../ops/log.hpp"
#include "../ops/log1p.hpp"
#include "../ops/maximum.hpp"
#include "../ops/minimum.hpp"
#include "../ops/pow.hpp"
#include "../ops/relu.hpp"
#include "../ops/sigmoid.hpp"
#include "../ops/softplus.hpp"
#include "../ops/sqrt.hpp"
#include "../ops/square.hpp"
#include "../ops/stop_gradient.hpp"
#include "../ops/tanh.hpp"
#include "build.hpp"

namespace tapeless {

//! max(x, 0).
constexpr auto relu(expression auto const& x) { return tapeless::build<op::relu>(x); }
//! x if x > 0 else slope·x.
template <expression X>
constexpr auto leaky_relu(X const& x, double slope = 0.01) {
    return tapeless::build<op::leaky_relu>(x, detail::as_operand(slope, x));
}
//! x².
constexpr auto square(expression auto const& x) { return tapeless::build<op::square>(x); }
//! eˣ.
constexpr auto exp(expression auto const& x) { return tapeless::build<op::exp>(x); }
//! ln x.
constexpr auto log(expression auto const& x) { return tapeless::build<op::log>(x); }
//! ln(1 + x), accurate for x near 0 (where log(1 + x) rounds 1 + x first).
constexpr auto log1p(expression auto const& x) { return tapeless::build<op::log1p>(x); }
//! √x.
constexpr auto sqrt(expression auto const& x) { return tapeless::build<op::sqrt>(x); }
//! |x|; its derivative at 0 is taken as 0.
constexpr auto abs(expression auto const& x) { return tapeless::build<op::abs>(x); }
//! tanh x.
constexpr auto tanh(expression auto const& x) { return tapeless::build<op::tanh>(x); }
//! 1 / (1 + e⁻ˣ), without overflow for any x.
constexpr auto sigmoid(expression auto const& x) { return tapeless::build<op::sigmoid>(x); }
//! ln(1 + eˣ), without overflow for any x.
constexpr auto softplus(expression auto const& x) { return tapeless::build<op::softplus>(x); }
//! GELU, tanh approximation: x/2 · (1 + tanh(√(2/π)(x + 0.044715 x³))), PyTorch's
//! `gelu(x, approximate='tanh')`; accurate in both tails, differentiable twice (`hvp`).
constexpr auto gelu(expression auto const& x) { return tapeless::build<op::gelu>(x); }
//! xᵖ for a number (or 1 x 1 expression) p.
template <class X, class P>
    requires detail::operands<X, P> && expression<X>
constexpr auto pow(X const& x, P const& p) {
    return tapeless::build<op::pow>(x, detail::as_operand(p, x));
}
//! Elementwise maximum, broadcasting; numbers mix in (`max(x, 0.0)`).
template <class A, class B>
    requires detail::operands<A, B>
constexpr auto max(A const& a, B const& b) {
    return detail::build_mixed<op::maximum>(a, b);
}
//! Elementwise minimum, broadcasting; numbers mix in.
template <class A, class B>
    requires detail::operands<A, B>
constexpr auto min(A const& a, B const& b) {
    return detail::build_mixed<op::minimum>(a, b);
}
//! x limited to [lo, hi].
template <expression X, class L, class H>
constexpr auto clamp(X const& x, L const& lo, H const& hi) {
    return tapeless::min(tapeless::max(x, lo), hi);
}
//! x, with no gradient flowing through it.
constexpr auto stop_gradient(expression auto const& x) { return tapeless::build<op::stop_gradient>(x); }

} // namespace tapeless

#endif
