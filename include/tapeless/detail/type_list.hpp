//! @file Defines `type_list` and the few list operations the graph analysis needs.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_DETAIL_TYPE_LIST_HPP
#define TAPELESS_DETAIL_TYPE_LIST_HPP

#include <array>
#include <cstddef>
#include <initializer_list>
#include <type_traits>
#include <utility>

// Lists are plain packs: membership and lookup are flat folds or loops over per-list tables, never
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

// No fold expressions over graph-sized packs: clang nests a fold's operands and stops at 256
// (its bracket depth). Arrays and braced lists are flat.
constexpr bool any_of(std::initializer_list<bool> flags) {
    for (bool f : flags)
        if (f) return true;
    return false;
}

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

//! The position of the first true flag, npos if none.
constexpr std::size_t find_index(std::initializer_list<bool> flags) {
    std::size_t i = 0;
    for (bool f : flags) {
        if (f) return i;
        ++i;
    }
    return npos;
}

template <class T, class List>
inline constexpr bool contains_v = false;
template <class T, class... Ts>
inline constexpr bool contains_v<T, type_list<Ts...>> = detail::any_of({TAPELESS_SAME(T, Ts)...});

// Position of T in a list of distinct types. A type's identity is the address of a variable of
// its own, so a lookup compares pointers in one table per list (a flat constexpr loop, its own
// constant expression). Not Mp11's inheritance trick (overload resolution against a class with
// one base per element): g++ 12 deduces the base by walking the types' structure, which
// expression types share with their children, so it grew exponentially with a residual
// network's depth (the lowering's lookups took 30 s of 42 at 20 blocks, 12 s with this).
template <class T>
struct type_tag {
    static constexpr char id = 0;
};
template <class List>
inline constexpr std::array<char const*, 0> type_ids{};
template <class... Ts>
inline constexpr std::array<char const*, sizeof...(Ts)> type_ids<type_list<Ts...>>{&type_tag<Ts>::id...};

//! Position of T in `type_list<Ts...>` (whose types are distinct), npos if absent.
template <class List>
constexpr std::size_t find_id(char const* id) {
    auto const& ids = type_ids<List>;
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (ids[i] == id) return i;
    return npos;
}
// A function, not a lambda initialiser: a closure type per (T, List) made clang 10x slower.
template <class T, class List>
inline constexpr std::size_t index_of_v = detail::find_id<List>(&type_tag<T>::id);

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
    using type = typename decltype(detail::select<I>(
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
    : merge<std::conditional_t<contains_v<B, type_list<As...>>, type_list<As...>,
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

// The types at positions I... of a list.
template <class List, class Seq>
struct pick;
template <class List, std::size_t... I>
struct pick<List, std::index_sequence<I...>> {
    using type = type_list<at_t<I, List>...>;
};
template <class List, std::size_t Begin, class Seq>
struct pick_from;
template <class List, std::size_t Begin, std::size_t... I>
struct pick_from<List, Begin, std::index_sequence<I...>> {
    using type = type_list<at_t<Begin + I, List>...>;
};

//! The types of List at the positions where `Keep` (a constexpr array of bool, one per type, and
//! one more) is true, in order: positions found in a constexpr array, then picked, so no
//! instantiation recurses along the list.
template <class List, auto const& Keep>
struct kept {
    static constexpr std::size_t count = [] {
        std::size_t c = 0;
        for (std::size_t i = 0; i < List::size; ++i) c += Keep[i];
        return c;
    }();
    static constexpr std::array<std::size_t, count> where = [] {
        std::array<std::size_t, count> r{};
        for (std::size_t i = 0, c = 0; i < List::size; ++i)
            if (Keep[i]) r[c++] = i;
        return r;
    }();
    template <std::size_t... I>
    static auto picked(std::index_sequence<I...>) -> type_list<at_t<where[I], List>...>;
    using type = decltype(picked(std::make_index_sequence<count>{}));
};

//! The types of List that satisfy Pred, in order.
template <class List, template <class> class Pred>
struct filter;
template <class... Ts, template <class> class Pred>
struct filter<type_list<Ts...>, Pred> {
    static constexpr bool keep[] = {Pred<Ts>::value..., false};
    using type = typename kept<type_list<Ts...>, keep>::type;
};
template <class List, template <class> class Pred>
using filter_t = typename filter<List, Pred>::type;

//! The distinct types of a list of few distinct types (op tags), first occurrences in order:
//! merged chunk by chunk, so instantiation depth stays near the chunk size, not the list length.
template <class List>
struct few_unique;
template <class... Ts>
struct few_unique<type_list<Ts...>> {
    static constexpr std::size_t n = sizeof...(Ts), chunk = 64;
    static constexpr std::size_t length(std::size_t c) { return n - c * chunk < chunk ? n - c * chunk : chunk; }
    template <std::size_t C>
    using part =
        merge_t<type_list<>, typename pick_from<type_list<Ts...>, C * chunk, std::make_index_sequence<length(C)>>::type>;
    template <std::size_t... C>
    static auto merged(std::index_sequence<C...>) -> typename merge_all<part<C>...>::type;
    using type = decltype(merged(std::make_index_sequence<(n + chunk - 1) / chunk>{}));
};

} // namespace tapeless::detail

#endif
