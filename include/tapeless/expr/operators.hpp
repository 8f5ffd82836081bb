//! @file Defines the arithmetic operators on expressions, with plain numbers mixing in as scalars.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_OPERATORS_HPP
#define TAPELESS_EXPR_OPERATORS_HPP

#include "../ops/add.hpp"
#include "../ops/div.hpp"
#include "../ops/mul.hpp"
#include "../ops/neg.hpp"
#include "../ops/sub.hpp"
#include "build.hpp"

#include <type_traits>

namespace tapeless {

//! Elementwise sum, broadcasting rows, columns and scalars.
template <class A, class B>
    requires detail::operands<A, B>
constexpr auto operator+(A const& a, B const& b) {
    return detail::build_mixed<op::add>(a, b);
}
//! Elementwise difference, broadcasting rows, columns and scalars.
template <class A, class B>
    requires detail::operands<A, B>
constexpr auto operator-(A const& a, B const& b) {
    return detail::build_mixed<op::sub>(a, b);
}
//! Elementwise product (not a matrix product: that is `matmul`); `2.0f * x` scales.
template <class A, class B>
    requires detail::operands<A, B>
constexpr auto operator*(A const& a, B const& b) {
    return detail::build_mixed<op::mul>(a, b);
}
//! Division by a number: multiplication by its reciprocal, computed once.
template <expression A, detail::number N>
constexpr auto operator/(A const& a, N n) {
    using T = typename A::value_type;
    return a * (T(1) / static_cast<T>(n));
}
//! Elementwise quotient, broadcasting; a number over an expression divides elementwise too.
template <class A, class B>
    requires detail::operands<A, B> && (!detail::number<B>)
constexpr auto operator/(A const& a, B const& b) {
    return detail::build_mixed<op::div>(a, b);
}
//! Elementwise negation.
template <expression A>
constexpr auto operator-(A const& a) {
    return tapeless::build<op::neg>(a);
}

} // namespace tapeless

#endif
