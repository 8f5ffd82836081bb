//! @file Defines `nodes_t<E...>`: the distinct node types of expressions, children first.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_TOPOLOGICAL_ORDER_HPP
#define TAPELESS_GRAPH_TOPOLOGICAL_ORDER_HPP

#include "../detail/type_list.hpp"
#include "../expr/node.hpp"

namespace tapeless {

namespace detail {
// One depth-first walk threading the list of visited types: a node already listed is not entered
// again, so the walk is linear in edges and builds one list per node visited. Equal types are
// equal subexpressions, so listing each type once is common-subexpression elimination.
// (Merging a list per node instead costs time cubic in graph size: measured in commit 8abead9.)
template <class Visited, class E, bool Seen = contains_v<E, Visited>>
struct visit {
    using type = Visited; // seen before
};
template <class... Vs, class E>
struct visit<type_list<Vs...>, E, false> {
    using type = type_list<Vs..., E>; // a leaf
};
template <class Visited, class... A>
struct visit_all {
    using type = Visited;
};
template <class Visited, class A, class... As>
struct visit_all<Visited, A, As...> : visit_all<typename visit<Visited, A>::type, As...> {};

template <class... Vs, class Op, auto... A>
struct visit<type_list<Vs...>, node<Op, A...>, false> {
    template <class... Ws>
    static type_list<Ws..., node<Op, A...>> append(type_list<Ws...>);
    using type = decltype(append(typename visit_all<type_list<Vs...>, arg_type<A>...>::type{}));
};
} // namespace detail

//! The distinct subexpressions of `Es...`, each once, every node after its arguments.
template <class... Es>
using nodes_t = typename detail::visit_all<detail::type_list<>, Es...>::type;

} // namespace tapeless

#endif
