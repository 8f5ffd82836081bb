//! @file Defines `tapeless::build`, the builder behind every user-facing op: it renumbers runtime
//! scalars so that equal types keep meaning equal values.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_BUILD_HPP
#define TAPELESS_EXPR_BUILD_HPP

#include "node.hpp"

#include <array>
#include <type_traits>

namespace tapeless {

namespace detail {
// Largest scalar Id in an expression, -1 if it has none. A variable template per type: the
// compiler memoises it, so a shared subexpression is looked at once.
template <class E>
inline constexpr int max_scalar_id = -1;
template <class T, int Id>
inline constexpr int max_scalar_id<scalar<T, Id>> = Id;
template <class Op, auto... A>
inline constexpr int max_scalar_id<node<Op, A...>> = std::max({-1, max_scalar_id<arg_type<A>>...});

// E with every scalar Id raised by Shift: a type computed once per (Shift, type).
template <int Shift, class E>
struct shifted {
    using type = E;
};
template <int Shift, class T, int Id>
struct shifted<Shift, scalar<T, Id>> {
    using type = scalar<T, Id + Shift>;
};
template <int Shift, class Op, auto... A>
    requires(max_scalar_id<node<Op, A...>> >= 0)
struct shifted<Shift, node<Op, A...>> {
    using type = node_of<Op, typename shifted<Shift, arg_type<A>>::type...>;
};

template <int Shift, class E>
constexpr auto shift_scalars(E const& e) {
    using S = typename shifted<Shift, E>::type;
    if constexpr (Shift == 0 || TAPELESS_SAME(S, E)) {
        return e;
    } else if constexpr (is_scalar_v<E>) {
        return S{e.value};
    } else {
        // Shifting is one-to-one, so S's entries are E's, in the same order.
        S r{};
        r.leaves.e = e.leaves.e;
        r.extent = e.extent;
        r.conflict = e.conflict;
        return r;
    }
}

// Offsets that lift each argument's scalar Ids above those of the arguments before it.
template <class... A>
constexpr auto scalar_offsets() {
    constexpr int ids[] = {max_scalar_id<A>...};
    std::array<int, sizeof...(A)> off{};
    int next = 0;
    for (std::size_t k = 0; k < sizeof...(A); ++k) {
        off[k] = ids[k] < 0 ? 0 : next;
        if (ids[k] >= 0) next = off[k] + ids[k] + 1;
    }
    return off;
}
} // namespace detail

//! Builds `node_of<Op, ...>` from user expressions. Two runtime scalars would otherwise have equal
//! types (`2 * x + 3 * x`) and be merged as one common subexpression; renumbering the later
//! arguments' scalars keeps them apart. The cost: a subexpression that holds a runtime scalar and
//! is used twice is computed twice (a scalar-free one is still shared).
template <class Op, expression... A>
constexpr auto build(A const&... a) {
    constexpr auto off = detail::scalar_offsets<A...>();
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
        return tapeless::make_node<Op>(detail::shift_scalars<off[K]>(a)...);
    }(std::index_sequence_for<A...>{});
}

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

} // namespace tapeless

#endif
