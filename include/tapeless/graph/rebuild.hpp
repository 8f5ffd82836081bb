//! @file Defines `rebuilt_nodes_t<Derived>`: the expression types of a derived graph's records, for
//! the reports that name nodes by type (formulas, plans drawn or explained). Only they build it.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_REBUILD_HPP
#define TAPELESS_GRAPH_REBUILD_HPP

#include "../expr/node.hpp"
#include "derive.hpp"

#include <utility>

namespace tapeless::detail {

template <class D, std::size_t I, record_kind K = D::graph.rec[I].kind>
struct rebuilt {
    using type = at_t<D::graph.rec[I].slot, typename D::leaves>; // a leaf or scalar
};
template <class D, std::size_t I>
struct rebuilt<D, I, record_kind::constant> {
    using type = constant<D::graph.rec[I].num, D::graph.rec[I].den>;
};
template <class D, std::size_t I>
struct rebuilt<D, I, record_kind::node> {
    static constexpr record r = D::graph.rec[I];
    template <std::size_t... K>
    static auto make(std::index_sequence<K...>)
        -> node_of<at_t<r.op, typename D::ops>, typename rebuilt<D, r.arg[K]>::type...>;
    using type = decltype(make(std::make_index_sequence<r.nargs>{}));
};

// In record order, so each type's arguments are built before it (no deep recursion).
template <class D, class Seq = std::make_index_sequence<D::size>>
struct rebuilt_nodes;
template <class D, std::size_t... I>
struct rebuilt_nodes<D, std::index_sequence<I...>> {
    using type = type_list<typename rebuilt<D, I>::type...>;
};

//! The node types of the derived graph `D` (a `derived<Loss, Wrt...>`), by record index.
template <class D>
using rebuilt_nodes_t = typename rebuilt_nodes<D>::type;

//! The node types of a plan's derived graph (`compiled<...>::plan`), by record index.
template <class Plan>
using nodes_of = rebuilt_nodes_t<typename Plan::derivation>;

} // namespace tapeless::detail

namespace tapeless {
//! The gradient of Root with respect to leaf W as an expression type, derived on records and
//! rebuilt as a type (for `grad`, `hvp` and the printed formulas). It may be smaller than W (a
//! broadcast value) and is `zero` where W does not reach the loss.
template <class Root, class W>
using gradient_t = typename detail::rebuilt<detail::derived<Root, W>, detail::derived<Root, W>::graph.grad[1]>::type;
} // namespace tapeless

#endif
