//! @file Defines `nodes_t<E...>`: the distinct node types of expressions, children first.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_TOPOLOGICAL_ORDER_HPP
#define TAPELESS_GRAPH_TOPOLOGICAL_ORDER_HPP

#include "../detail/type_list.hpp"
#include "../expr/node.hpp"

namespace tapeless {

namespace detail {
// One specialisation per node type, memoised by the compiler: a subexpression shared k times is
// ordered once, so this is linear in distinct nodes where a tree walk of a DAG is exponential.
// Equal types are equal subexpressions, so deduplicating types is common-subexpression elimination.
template <class E>
struct topological_order {
    using type = type_list<E>;
};
template <class Op, class... A>
struct topological_order<node<Op, A...>> {
    using type = merge_t<typename merge_all<typename topological_order<A>::type...>::type,
                         type_list<node<Op, A...>>>;
};
} // namespace detail

//! The distinct subexpressions of `Es...`, each once, every node after its arguments.
template <class... Es>
using nodes_t = typename detail::merge_all<typename detail::topological_order<Es>::type...>::type;

} // namespace tapeless

#endif
