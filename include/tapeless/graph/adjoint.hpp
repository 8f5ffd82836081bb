//! @file Defines the reverse sweep: `adjoint_t<Root, N>` and `gradient_t<Root, W>`, derived from
//! the types alone.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_ADJOINT_HPP
#define TAPELESS_GRAPH_ADJOINT_HPP

#include "rules/all.hpp"
#include "simplify.hpp"
#include "topological_order.hpp"

#include <type_traits>
#include <utility>

namespace tapeless {

namespace detail {
// Folding contributions with `+` on this wrapper sums them through simplify::add (zeros vanish).
template <class E>
struct summand {
    E e;
};
template <class A, class B>
constexpr auto operator+(summand<A> const& a, summand<B> const& b) {
    return summand<std::remove_cvref_t<decltype(simplify::add(a.e, b.e))>>{};
}

template <class Root, class N>
struct adjoint;

// What consumer P passes down to its K-th argument if that argument is N.
template <class Root, class N, class P, std::size_t K>
constexpr auto contribution() {
    if constexpr (std::is_same_v<arg_t<K, P>, N> && P::op::reads(K)) {
        using pbar = typename adjoint<Root, P>::type;
        return summand<std::remove_cvref_t<decltype(adjoint_rule<typename P::op>::template apply<K>(
            std::declval<P const&>(), std::declval<pbar const&>()))>>{};
    } else {
        return summand<zero>{};
    }
}

template <class Root, class N, class P>
constexpr auto contributions_of() {
    if constexpr (is_node_v<P>) {
        return [&]<std::size_t... K>(std::index_sequence<K...>) {
            return (summand<zero>{} + ... + contribution<Root, N, P, K>());
        }(std::make_index_sequence<P::arity>{});
    } else {
        return summand<zero>{};
    }
}

template <class Root, class N, class... Ps>
constexpr auto sum_over(type_list<Ps...>) {
    return (summand<zero>{} + ... + contributions_of<Root, N, Ps>());
}

// One specialisation per (root, node), memoised: each adjoint is derived once however many
// gradients need it. A node's adjoint is the sum over its consumers in the root's graph, so nodes
// that lead to no requested leaf are never visited.
template <class Root, class N>
struct adjoint {
    static auto derive() {
        if constexpr (std::is_same_v<Root, N>) return summand<one>{};
        else return sum_over<Root, N>(nodes_t<Root>{});
    }
    using type = decltype(derive().e);
};
} // namespace detail

//! ∂Root/∂N as an expression type: Root's adjoint seeded with 1, swept back to N. It may be smaller
//! than N (a broadcast value).
template <class Root, class N>
using adjoint_t = std::remove_cvref_t<typename detail::adjoint<Root, N>::type>;

//! The gradient of Root with respect to leaf W: its adjoint, broadcast to W's full shape.
template <class Root, class W>
using gradient_t = std::remove_cvref_t<decltype(simplify::full(std::declval<adjoint_t<Root, W>>(),
                                                               std::declval<W>()))>;

//! Checks that W can be differentiated in Root, with the plain messages users read.
template <class Root, class W>
constexpr void check_wrt() {
    static_assert(is_leaf_v<W>, "tapeless: grad: differentiate with respect to a leaf (param<\"name\">)");
    if constexpr (is_leaf_v<W>) {
        static_assert(W::kind == leaf_kind::param,
                      "tapeless: grad: this leaf is an input; declare it with param<\"name\"> to get its gradient");
        static_assert(detail::contains_v<W, nodes_t<Root>>,
                      "tapeless: grad: this leaf does not appear in the expression");
    }
}

} // namespace tapeless

#endif
