//! @file Defines `type_list` and the few list operations the graph analysis needs.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_DETAIL_TYPE_LIST_HPP
#define TAPELESS_DETAIL_TYPE_LIST_HPP

#include <cstddef>
#include <type_traits>
#include <utility>

// Lists are plain packs: membership and lookup are fold expressions or overload resolution, never
// recursive instantiation, so a list of n types costs O(n) instantiations, not O(n^2).
namespace tapeless::detail {

template <class... Ts>
struct type_list {
    static constexpr std::size_t size = sizeof...(Ts);
};

// The compilers' builtin type comparison: std::is_same_v instantiates a variable template per
// pair of types compared, and graph analysis compares every node with every node.
#if defined(__GNUC__) || defined(__clang__)
#define TAPELESS_SAME(...) __is_same(__VA_ARGS__)
#else
#define TAPELESS_SAME(...) std::is_same_v<__VA_ARGS__>
#endif

template <class T, class List>
inline constexpr bool contains_v = false;
template <class T, class... Ts>
inline constexpr bool contains_v<T, type_list<Ts...>> = (TAPELESS_SAME(T, Ts) || ...);

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

// Position of T in a list of distinct types, by overload resolution over a class that inherits
// one `keyed<T, I>` per element (Mp11's trick): one instantiation per list, not a scan per lookup.
template <class T, std::size_t I>
struct keyed {};
template <class Seq, class... Ts>
struct key_map;
template <std::size_t... Is, class... Ts>
struct key_map<std::index_sequence<Is...>, Ts...> : keyed<Ts, Is>... {};
template <class T, std::size_t I>
constexpr std::size_t key_index(keyed<T, I> const*) { return I; }
template <class T>
constexpr std::size_t key_index(void const*) { return npos; }

template <class T, class List>
inline constexpr std::size_t index_of_v = npos;
//! Position of T in `type_list<Ts...>` (whose types are distinct), npos if absent.
template <class T, class... Ts>
inline constexpr std::size_t index_of_v<T, type_list<Ts...>> =
    key_index<T>(static_cast<key_map<std::index_sequence_for<Ts...>, Ts...> const*>(nullptr));

// O(1) indexing: overload resolution picks the base with the requested index.
template <std::size_t I, class T>
struct indexed {
    using type = T;
};
template <class Seq, class... Ts>
struct indexer;
template <std::size_t... Is, class... Ts>
struct indexer<std::index_sequence<Is...>, Ts...> : indexed<Is, Ts>... {};
template <std::size_t I, class T>
indexed<I, T> select(indexed<I, T>);

template <std::size_t I, class List>
struct at;
template <std::size_t I, class... Ts>
struct at<I, type_list<Ts...>> {
    using type = typename decltype(select<I>(
        indexer<std::index_sequence_for<Ts...>, Ts...>{}))::type;
};
template <std::size_t I, class List>
using at_t = typename at<I, List>::type;

// Append the members of B that A lacks, keeping order: the topological merge step.
template <class A, class B>
struct merge;
template <class... As>
struct merge<type_list<As...>, type_list<>> {
    using type = type_list<As...>;
};
template <class... As, class B, class... Bs>
struct merge<type_list<As...>, type_list<B, Bs...>>
    : merge<std::conditional_t<(TAPELESS_SAME(B, As) || ...), type_list<As...>,
                               type_list<As..., B>>,
            type_list<Bs...>> {};
template <class A, class B>
using merge_t = typename merge<A, B>::type;

template <class... Lists>
struct merge_all {
    using type = type_list<>;
};
template <class L, class... Ls>
struct merge_all<L, Ls...> {
    using type = merge_t<L, typename merge_all<Ls...>::type>;
};

} // namespace tapeless::detail

#endif
