//! @file Defines the reverse sweep: `adjoint_t<Root, N>` and `gradient_t<Root, W>`, derived from
//! the types alone.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_ADJOINT_HPP
#define TAPELESS_GRAPH_ADJOINT_HPP

#include "../error.hpp"
#include "rules/all.hpp"
#include "simplify.hpp"
#include "topological_order.hpp"

#include <array>
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

// Who reads whom in Root's graph, built once per root: the consumers of node c are the edges
// [first[c], first[c + 1]), each a (parent, argument position) pair, in the order of the node
// list. A node's adjoint then looks at its own consumers only, never at every node.
template <std::size_t N>
struct consumer_table {
    struct edge {
        std::size_t parent = 0, k = 0;
    };
    std::array<std::size_t, N + 1> first{};
    std::array<edge, 3 * N + 1> edges{};
};

template <class N, class Nodes>
constexpr std::array<std::size_t, max_arity> read_args() {
    std::array<std::size_t, max_arity> r{npos, npos, npos};
    if constexpr (is_node_v<N>)
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((r[K] = N::op::reads(K) ? index_of_v<arg_t<K, N>, Nodes> : npos), ...);
        }(std::make_index_sequence<N::arity>{});
    return r;
}

template <class Nodes>
struct consumers;
template <class... Ns>
struct consumers<type_list<Ns...>> {
    static constexpr std::size_t n = sizeof...(Ns);
    //! The arguments each node reads, by position in the node list.
    static constexpr std::array<std::array<std::size_t, max_arity>, n> args{read_args<Ns, type_list<Ns...>>()...};
    static constexpr consumer_table<n> table = [] {
        consumer_table<n> t;
        for (auto const& a : args)
            for (std::size_t c : a)
                if (c != npos) ++t.first[c + 1];
        for (std::size_t c = 0; c < n; ++c) t.first[c + 1] += t.first[c];
        std::array<std::size_t, n + 1> fill{};
        for (std::size_t p = 0; p < n; ++p)
            for (std::size_t k = 0; k < max_arity; ++k)
                if (std::size_t c = args[p][k]; c != npos) t.edges[t.first[c] + fill[c]++] = {p, k};
        return t;
    }();
    // Symbolic shapes, children first: the simplifying builders ask for them, and asked first at
    // the top of a deep graph they would recurse along all of it.
    using shapes = type_list<sym::shape_t<Ns>...>;
};
// What the consumer on edge E of Root's graph passes down to the argument it reads.
template <class Root, std::size_t E>
struct contribution {
    using nodes = nodes_t<Root>;
    static constexpr auto edge = consumers<nodes>::table.edges[E];
    using P = at_t<edge.parent, nodes>;
    using type = std::remove_cvref_t<decltype(adjoint_rule<typename P::op>::template apply<edge.k>(
        std::declval<P const&>(), std::declval<typename adjoint<Root, P>::type const&>()))>;
};

template <class Root, std::size_t First, class Seq>
struct sum_of_edges;
template <class Root, std::size_t First, std::size_t... E>
struct sum_of_edges<Root, First, std::index_sequence<E...>> {
    using type = typename sum_of<typename contribution<Root, First + E>::type...>::type;
};

// One specialisation per (root, node), memoised: each adjoint is derived once however many
// gradients need it. A node's adjoint is the sum over its consumers in the root's graph, so nodes
// that lead to no requested leaf are never visited.
template <class Root, class N>
struct adjoint {
    using nodes = nodes_t<Root>;
    static constexpr auto const& table = consumers<nodes>::table;
    static constexpr std::size_t i = index_of_v<N, nodes>;
    static constexpr std::size_t first = i == npos ? 0 : table.first[i];
    static constexpr std::size_t count = i == npos ? 0 : table.first[i + 1] - first;
    using type = typename sum_of_edges<Root, first, std::make_index_sequence<count>>::type;
};
template <class Root>
struct adjoint<Root, Root> {
    using type = one;
};

// Every `stride`-th node of Root's graph from which a parameter can be reached, latest first.
// Deriving their adjoints in this order, each finds most of what it needs already made, so no
// instantiation recurses along the whole graph (g++ stops at a depth of 900, about a 64-layer
// network's length). A stride, not every node: finding a node's type by position costs GCC a
// deduction per node of the list.
template <class Root>
struct sweep_order {
    using nodes = nodes_t<Root>;
    using graph = consumers<nodes>;
    static constexpr std::size_t n = nodes::size, stride = 16;
    static constexpr std::array<bool, n> reaches = []<class... Ns>(type_list<Ns...>) {
        std::array<bool, n> r{is_param_v<Ns>...};
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t c : graph::args[i])
                if (c != npos && r[c]) r[i] = true;
        return r;
    }(nodes{});
    static constexpr std::size_t reaching = [] {
        std::size_t c = 0;
        for (bool b : reaches) c += b;
        return c;
    }();
    static constexpr std::size_t count = (reaching + stride - 1) / stride;
    static constexpr std::array<std::size_t, count> order = [] {
        std::array<std::size_t, count> o{};
        for (std::size_t i = n, seen = 0, c = 0; i-- > 0;)
            if (reaches[i] && seen++ % stride == 0) o[c++] = i;
        return o;
    }();
};

//! Derives adjoints in `sweep_order` before any gradient asks for one.
template <class Root>
struct reverse_sweep {
    using order = sweep_order<Root>;
    using shapes = typename order::graph::shapes; // first: symbolic shapes, children first
    template <std::size_t... I>
    static auto derive(std::index_sequence<I...>)
        -> type_list<typename adjoint<Root, at_t<order::order[I], typename order::nodes>>::type...>;
    using type = decltype(derive(std::make_index_sequence<order::count>{}));
};

template <class Root, class W>
struct gradient {
    using swept = typename reverse_sweep<Root>::type; // first: see reverse_sweep
    using type = std::remove_cvref_t<decltype(simplify::full(
        std::declval<typename adjoint<Root, W>::type>(), std::declval<W>()))>;
};
} // namespace detail

//! ∂Root/∂N as an expression type: Root's adjoint seeded with 1, swept back to N. It may be smaller
//! than N (a broadcast value).
template <class Root, class N>
using adjoint_t = std::remove_cvref_t<typename detail::adjoint<Root, N>::type>;

//! The gradient of Root with respect to leaf W: its adjoint, broadcast to W's full shape.
template <class Root, class W>
using gradient_t = typename detail::gradient<Root, W>::type;

//! A loss with runtime extents that turn out not to be 1 x 1: gradients are of scalars only.
inline void check_loss_shape(shape s) {
    if (s != shape{1, 1})
        throw shape_error("tapeless: grad: the loss is " + to_string(s) +
                          ", not 1 x 1; reduce it first with sum(), mean() or a loss");
}

//! Checks that W can be differentiated in Root, with the plain messages users read.
template <class Root, class W>
constexpr void check_wrt() {
    static_assert((Root::static_shape.rows == 1 || Root::static_shape.rows == dynamic) &&
                      (Root::static_shape.cols == 1 || Root::static_shape.cols == dynamic),
                  "tapeless: grad: the loss must be 1 x 1; reduce it first with sum(), mean() or a loss");
    static_assert(is_leaf_v<W>, "tapeless: grad: differentiate with respect to a leaf (param<\"name\">)");
    if constexpr (is_leaf_v<W>) {
        static_assert(W::kind == leaf_kind::param,
                      "tapeless: grad: this leaf is an input; declare it with param<\"name\"> to get its gradient");
        static_assert(detail::index_of_v<W, nodes_t<Root>> != detail::npos,
                      "tapeless: grad: this leaf does not appear in the expression");
    }
}

} // namespace tapeless

#endif
