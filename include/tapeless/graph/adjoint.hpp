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
// Every call here is qualified or has no arguments: an unqualified call (or operator) on expression
// types makes the compiler collect the associated namespaces of every nested template argument
// (ADL), which GCC 12 does without memoisation, costing memory that grows exponentially with the
// depth of the graph. Sums are folded by recursion on types instead.
template <class A, class B>
using add_t = std::remove_cvref_t<decltype(simplify::add(std::declval<A const&>(), std::declval<B const&>()))>;

template <class... Cs>
struct sum_of {
    using type = zero;
};
template <class C>
struct sum_of<C> {
    using type = C;
};
template <class A, class B, class... Cs>
struct sum_of<A, B, Cs...> : sum_of<add_t<A, B>, Cs...> {};

template <class Root, class N>
struct adjoint;

// What consumer P passes down to its K-th argument if that argument is N.
template <class Root, class N, class P, std::size_t K>
struct contribution {
    using type = zero;
};
template <class Root, class N, class P, std::size_t K>
    requires(TAPELESS_SAME(arg_t<K, P>, N) && P::op::reads(K))
struct contribution<Root, N, P, K> {
    using type = std::remove_cvref_t<decltype(adjoint_rule<typename P::op>::template apply<K>(
        std::declval<P const&>(), std::declval<typename adjoint<Root, P>::type const&>()))>;
};

template <class Root, class N, class P, class Seq = std::make_index_sequence<P::arity>>
struct contributions_of;
template <class Root, class N, class P, std::size_t... K>
struct contributions_of<Root, N, P, std::index_sequence<K...>> {
    using type = typename sum_of<typename contribution<Root, N, P, K>::type...>::type;
};

// Only nodes have arguments, so only nodes are asked.
template <class Root, class N, class P>
struct from {
    using type = zero;
};
template <class Root, class N, class Op, class... A>
    requires(TAPELESS_SAME(A, N) || ...)
struct from<Root, N, node<Op, A...>> : contributions_of<Root, N, node<Op, A...>> {};

template <class Root, class N, class Nodes>
struct sum_over;
template <class Root, class N, class... Ps>
struct sum_over<Root, N, type_list<Ps...>> {
    using type = typename sum_of<typename from<Root, N, Ps>::type...>::type;
};

// One specialisation per (root, node), memoised: each adjoint is derived once however many
// gradients need it. A node's adjoint is the sum over its consumers in the root's graph, so nodes
// that lead to no requested leaf are never visited.
template <class Root, class N>
struct adjoint {
    using type = typename sum_over<Root, N, nodes_t<Root>>::type;
};
template <class Root>
struct adjoint<Root, Root> {
    using type = one;
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
