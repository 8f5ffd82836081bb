//! @file Defines `lower`: an expression type's distinct nodes as records, once per distinct type.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_LOWER_HPP
#define TAPELESS_GRAPH_LOWER_HPP

#include "../expr/node.hpp"
#include "record.hpp"
#include "topological_order.hpp"

#include <array>
#include <cstdint>

namespace tapeless::detail {

//! The record of node type N of the list `Nodes`, its leaves numbered by `Leaves`, its op by `Ops`.
//! Only `Nodes`' own lookups: no walk below N (the walk is `nodes_t`, memoised per type).
template <class N, class Nodes, class Leaves, class Ops>
constexpr record record_of() {
    record r;
    r.stat = N::static_shape;
    if constexpr (is_leaf_v<N> || is_scalar_v<N>) {
        r.kind = is_leaf_v<N> ? record_kind::leaf : record_kind::scalar;
        r.slot = static_cast<std::uint32_t>(index_of_v<N, Leaves>);
    } else if constexpr (is_constant_v<N>) {
        r.kind = record_kind::constant;
        [&]<long P, long Q>(constant<P, Q>) {
            r.num = P;
            r.den = Q;
        }(N{});
    } else {
        r.op = static_cast<std::uint16_t>(index_of_v<typename N::op, Ops>);
        r.nargs = static_cast<std::uint8_t>(N::arity);
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((r.arg[K] = static_cast<std::uint32_t>(index_of_v<arg_t<K, N>, Nodes>)), ...);
        }(std::make_index_sequence<N::arity>{});
    }
    return r;
}

//! The records of the node list `Nodes` (children first), in its order.
template <class Nodes, class Leaves, class Ops>
inline constexpr std::array<record, 1> lowered{};
template <class... Ns, class Leaves, class Ops>
inline constexpr std::array<record, sizeof...(Ns)> lowered<type_list<Ns...>, Leaves, Ops>{
    record_of<Ns, type_list<Ns...>, Leaves, Ops>()...};

// The op tags of a node list, in order of first use, with repeats.
template <class Nodes>
struct node_ops;
template <class... Ns>
struct node_ops<type_list<Ns...>> {
    template <class N>
    using is_node = std::bool_constant<is_node_v<N>>;
    template <class... Ps>
    static auto tags(type_list<Ps...>) -> type_list<typename Ps::op...>;
    using type = decltype(tags(filter_t<type_list<Ns...>, is_node>{}));
};

} // namespace tapeless::detail

#endif
