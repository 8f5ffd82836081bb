//! @file Defines the simplifying builders the reverse sweep writes adjoints with.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_SIMPLIFY_HPP
#define TAPELESS_GRAPH_SIMPLIFY_HPP

#include "../expr/node.hpp"
#include "../ops/add.hpp"
#include "../ops/div.hpp"
#include "../ops/expand.hpp"
#include "../ops/matmul.hpp"
#include "../ops/mul.hpp"
#include "../ops/neg.hpp"
#include "../ops/sub.hpp"
#include "../ops/sum_to.hpp"
#include "../ops/transpose.hpp"
#include "symbolic_shape.hpp"

#include <numeric>

// Each builder folds what it can see locally (zeros, ones, constants, double negation, double
// transpose, scalar factors) so adjoints come out as a person would write them: the seed's
// `2/N · (pred - y)` rather than `1 · (1/N) · 2 · (pred - y)`, with 2/N a 1x1 value computed once.
// They never renumber scalars: adjoints reuse the forward graph's nodes, types and all.
namespace tapeless::simplify {

template <class E>
inline constexpr bool is_zero_v = std::is_same_v<E, zero>;
template <class E>
inline constexpr bool is_one_v = std::is_same_v<E, one>;
//! Statically 1 x 1: a value the planner hoists out of loops.
template <class E>
inline constexpr bool is_unit_v = E::static_shape.rows == 1 && E::static_shape.cols == 1;

template <class E>
struct mul_parts { // E = tensor ⊙ factor, factor 1x1
    static constexpr bool split = false;
};
template <class A, class B>
    requires(!is_unit_v<A> && is_unit_v<B>)
struct mul_parts<node<op::mul, A, B>> {
    static constexpr bool split = true;
    using tensor = A;
    using factor = B;
};

constexpr auto neg(expression auto const& a) {
    using A = std::remove_cvref_t<decltype(a)>;
    if constexpr (is_zero_v<A>) return a;
    else if constexpr (is_constant_v<A>) return [&]<long N, long D>(constant<N, D>) { return constant<-N, D>{}; }(a);
    else if constexpr (is_op_v<A, op::neg>) return tapeless::arg<0>(a);
    else return tapeless::make_node<op::neg>(a);
}

constexpr auto add(expression auto const& a, expression auto const& b) {
    using A = std::remove_cvref_t<decltype(a)>;
    using B = std::remove_cvref_t<decltype(b)>;
    if constexpr (is_zero_v<A>) return b;
    else if constexpr (is_zero_v<B>) return a;
    else if constexpr (is_op_v<B, op::neg>) return tapeless::make_node<op::sub>(a, tapeless::arg<0>(b));
    else return tapeless::make_node<op::add>(a, b);
}

constexpr auto sub(expression auto const& a, expression auto const& b) {
    using A = std::remove_cvref_t<decltype(a)>;
    using B = std::remove_cvref_t<decltype(b)>;
    if constexpr (is_zero_v<B>) return a;
    else if constexpr (is_zero_v<A>) return simplify::neg(b);
    else return tapeless::make_node<op::sub>(a, b);
}

constexpr auto div(expression auto const& a, expression auto const& b) {
    using A = std::remove_cvref_t<decltype(a)>;
    using B = std::remove_cvref_t<decltype(b)>;
    if constexpr (is_zero_v<A>) return zero{};
    else if constexpr (is_one_v<B>) return a;
    else return tapeless::make_node<op::div>(a, b);
}

constexpr auto mul(expression auto const& a, expression auto const& b) {
    using A = std::remove_cvref_t<decltype(a)>;
    using B = std::remove_cvref_t<decltype(b)>;
    if constexpr (is_zero_v<A> || is_zero_v<B>) return zero{};
    else if constexpr (is_one_v<A>) return b;
    else if constexpr (is_one_v<B>) return a;
    else if constexpr (is_constant_v<A> && is_constant_v<B>)
        return []<long N1, long D1, long N2, long D2>(constant<N1, D1>, constant<N2, D2>) {
            constexpr long n = N1 * N2, d = D1 * D2, g = std::gcd(n, d) * (d < 0 ? -1 : 1);
            return constant<n / g, d / g>{}; // reduced, so equal values have equal types
        }(a, b);
    else if constexpr (is_unit_v<A> && !is_unit_v<B>) return simplify::mul(b, a); // factor goes right
    else if constexpr (is_unit_v<B> && mul_parts<A>::split) // (t ⊙ f) ⊙ g = t ⊙ (f g)
        return tapeless::make_node<op::mul>(tapeless::arg<0>(a), simplify::mul(tapeless::arg<1>(a), b));
    else if constexpr (!is_unit_v<A> && mul_parts<B>::split) // a ⊙ (t ⊙ f) = (a ⊙ t) ⊙ f
        return simplify::mul(simplify::mul(a, tapeless::arg<0>(b)), tapeless::arg<1>(b));
    else if constexpr (is_op_v<A, op::neg>) return simplify::neg(simplify::mul(tapeless::arg<0>(a), b));
    else if constexpr (is_op_v<B, op::neg>) return simplify::neg(simplify::mul(a, tapeless::arg<0>(b)));
    else return tapeless::make_node<op::mul>(a, b);
}

//! x̄ summed back to the shape of `like` over the domain of `y`; nothing when they provably agree.
constexpr auto sum_to(expression auto const& xbar, expression auto const& y, expression auto const& like) {
    using X = std::remove_cvref_t<decltype(xbar)>;
    using Y = std::remove_cvref_t<decltype(y)>;
    using L = std::remove_cvref_t<decltype(like)>;
    if constexpr (is_zero_v<X> || sym::same_shape_v<Y, L>) return xbar;
    else if constexpr (is_op_v<X, op::sum_to>)
        return tapeless::make_node<op::sum_to>(tapeless::arg<0>(xbar), tapeless::arg<1>(xbar), like); // two sums are one
    else return tapeless::make_node<op::sum_to>(xbar, y, like);
}

//! x broadcast to the full shape of `like`, for consumers that cannot broadcast (GEMM, outputs).
constexpr auto full(expression auto const& x, expression auto const& like) {
    using X = std::remove_cvref_t<decltype(x)>;
    using L = std::remove_cvref_t<decltype(like)>;
    if constexpr (is_zero_v<X> || sym::same_shape_v<X, L>) return x; // a zero stays symbolic
    else return tapeless::make_node<op::expand>(x, like);
}

constexpr auto transpose(expression auto const& a) {
    using A = std::remove_cvref_t<decltype(a)>;
    if constexpr (is_op_v<A, op::transpose>) return tapeless::arg<0>(a);
    else if constexpr (is_unit_v<A>) return a;
    else if constexpr (is_op_v<A, op::matmul>) // (X·Y)ᵀ = Yᵀ·Xᵀ: a GEMM with swapped flags, no copy
        return tapeless::make_node<op::matmul>(simplify::transpose(tapeless::arg<1>(a)), simplify::transpose(tapeless::arg<0>(a)));
    else if constexpr (is_op_v<A, op::expand>) // transpose what is inside the broadcast
        return tapeless::make_node<op::expand>(simplify::transpose(tapeless::arg<0>(a)), simplify::transpose(tapeless::arg<1>(a)));
    else return tapeless::make_node<op::transpose>(a);
}

constexpr auto matmul(expression auto const& a, expression auto const& b) {
    using A = std::remove_cvref_t<decltype(a)>;
    using B = std::remove_cvref_t<decltype(b)>;
    if constexpr (is_zero_v<A> || is_zero_v<B>) return zero{}; // no product of a zero adjoint
    else return tapeless::make_node<op::matmul>(a, b);
}

} // namespace tapeless::simplify

#endif
