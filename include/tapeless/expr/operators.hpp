//! @file Defines the arithmetic operators on expressions, with plain numbers mixing in as scalars.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_OPERATORS_HPP
#define TAPELESS_EXPR_OPERATORS_HPP

#include "../ops/add.hpp"
#include "../ops/mul.hpp"
#include "../ops/neg.hpp"
#include "../ops/sub.hpp"
#include "build.hpp"

#include <type_traits>

namespace tapeless {

namespace detail {
template <class X>
concept number = std::is_arithmetic_v<X>;

// A number next to an expression becomes a runtime scalar of the expression's element type.
template <class E>
constexpr auto as_operand(E const& e, auto const&) requires expression<E> { return e; }
template <class N, class E>
constexpr auto as_operand(N n, E const&) requires number<N> {
    using T = typename E::value_type;
    return scalar<T, 0>{static_cast<T>(n)};
}

template <class A, class B>
concept operands = (expression<A> && expression<B>) || (expression<A> && number<B>) ||
                   (number<A> && expression<B>);
} // namespace detail

//! Elementwise sum, broadcasting rows, columns and scalars.
template <class A, class B>
    requires detail::operands<A, B>
constexpr auto operator+(A const& a, B const& b) {
    return build<op::add>(detail::as_operand(a, b), detail::as_operand(b, a));
}
//! Elementwise difference, broadcasting rows, columns and scalars.
template <class A, class B>
    requires detail::operands<A, B>
constexpr auto operator-(A const& a, B const& b) {
    return build<op::sub>(detail::as_operand(a, b), detail::as_operand(b, a));
}
//! Elementwise product (not a matrix product: that is `matmul`); `2.0f * x` scales.
template <class A, class B>
    requires detail::operands<A, B>
constexpr auto operator*(A const& a, B const& b) {
    return build<op::mul>(detail::as_operand(a, b), detail::as_operand(b, a));
}
//! Division by a number: multiplication by its reciprocal, computed once.
template <expression A, detail::number N>
constexpr auto operator/(A const& a, N n) {
    using T = typename A::value_type;
    return a * (T(1) / static_cast<T>(n));
}
//! Elementwise negation.
template <expression A>
constexpr auto operator-(A const& a) {
    return build<op::neg>(a);
}

} // namespace tapeless

#endif
