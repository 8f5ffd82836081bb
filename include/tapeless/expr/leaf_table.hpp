//! @file Defines the leaf table: the runtime state of an expression (each distinct leaf's storage
//! and extents, each runtime scalar's value), held once per distinct leaf type.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_LEAF_TABLE_HPP
#define TAPELESS_EXPR_LEAF_TABLE_HPP

#include "../config.hpp"
#include "../detail/type_list.hpp"
#include "leaf.hpp"

#include <array>
#include <initializer_list>
#include <string_view>
#include <utility>

// Why a table: an expression object that held its children by value copied a shared child once per
// use, so `h + f(h)` doubled per residual block (491,648 bytes at 8 blocks, a stack overflow at 12)
// and every walk over the object was a walk over the tree. A node now holds only the leaves and
// scalars below it, each once, in the order they first occur; its children are its type alone.
namespace tapeless {

template <class Op, auto... Args>
struct node;

namespace detail {

//! The distinct leaves and runtime scalars of an expression type, first occurrences in order.
//! Constants carry no runtime state and are not listed.
template <class E>
struct leaf_types {
    using type = type_list<>;
};
template <fixed_string N, leaf_kind K, class T, shape S>
struct leaf_types<leaf<N, K, T, S>> {
    using type = type_list<leaf<N, K, T, S>>;
};
template <class T, int Id>
struct leaf_types<scalar<T, Id>> {
    using type = type_list<scalar<T, Id>>;
};
template <fixed_string N, class T>
struct leaf_types<named_scalar<N, T>> {
    using type = type_list<named_scalar<N, T>>;
};
template <class Op, auto... A>
struct leaf_types<node<Op, A...>> {
    using type = typename node<Op, A...>::leaf_list;
};
template <class E>
using leaf_types_t = typename leaf_types<E>::type;

// Where each entry of a node's table comes from is found by comparing the identity tables of the
// leaf lists (`type_ids`) in constexpr loops: a few constant expressions per node. (A function
// template per leaf and node -- `first_source<L, Es...>` -- made building a 16-block residual
// network instantiate 1,658 of them, quadratic in depth.)
struct id_table {
    char const* const* ids = nullptr;
    std::size_t size = 0;

    constexpr std::size_t find(char const* id) const {
        for (std::size_t j = 0; j < size; ++j)
            if (ids[j] == id) return j;
        return npos;
    }
};
template <class List>
constexpr id_table ids_of() {
    return {type_ids<List>.data(), List::size};
}

// Which types of B are not in A (and one more, false): loops over A's identity table.
template <class A, class B>
constexpr std::array<bool, B::size + 1> absent_from() {
    std::array<bool, B::size + 1> r{};
    for (std::size_t j = 0; j < B::size; ++j) r[j] = ids_of<A>().find(type_ids<B>[j]) == npos;
    return r;
}

// A's types, then those of B that A lacks.
template <class A, class B>
struct append_new;
template <class... As>
struct append_new<type_list<As...>, type_list<>> {
    using type = type_list<As...>;
};
template <class... Bs>
struct append_new<type_list<>, type_list<Bs...>> {
    using type = type_list<Bs...>;
};
template <>
struct append_new<type_list<>, type_list<>> {
    using type = type_list<>;
};
template <class A0, class... As, class B0, class... Bs>
struct append_new<type_list<A0, As...>, type_list<B0, Bs...>> {
    static constexpr auto keep = absent_from<type_list<A0, As...>, type_list<B0, Bs...>>();
    template <class... Ks>
    static auto append(type_list<Ks...>) -> type_list<A0, As..., Ks...>;
    using type = decltype(append(typename kept<type_list<B0, Bs...>, keep>::type{}));
};

//! The union of leaf lists, in order of first occurrence.
template <class... Lists>
struct union_of {
    using type = type_list<>;
};
template <class L>
struct union_of<L> {
    using type = L;
};
template <class L0, class L1, class... Ls>
struct union_of<L0, L1, Ls...> : union_of<typename append_new<L0, L1>::type, Ls...> {};
template <class... Lists>
using union_t = typename union_of<Lists...>::type;

//! One leaf's or scalar's runtime state. One type for both, so that every operation on a table
//! is a loop over a constexpr index map: code per node type stays constant however many leaves
//! sit below it (a fold over typed slots made building a 12-block residual network's loss 2.6x
//! slower to compile). Trivial, like `tensor_source`: value-initialise it (`{}`) for zeros. No
//! default member initialisers, so a table being filled is not first cleared, entry by entry, in
//! every node's code.
template <class T>
struct leaf_entry {
    T const* data;
    std::size_t rows, cols;
    tensor_source<T> source;
    T value; // a scalar's value
};

template <class List>
struct table_value {
    using type = float; // no leaves: nothing is stored
};
template <class L0, class... Ls>
struct table_value<type_list<L0, Ls...>> {
    using type = typename L0::value_type;
};

//! The state of L leaves and scalars of element type T. Named by (T, L) only, never by the
//! leaves' types: what reads a table is then named by numbers, not by an expression's types.
template <class T, std::size_t L>
struct table_storage {
    using value_type = T;
    std::array<leaf_entry<T>, L> e; // trivial: `table_storage<T, L> t{}` zeroes it
};

//! The state of the leaves and scalars of `List`, in its order.
template <class List>
using leaf_table = table_storage<typename table_value<List>::type, List::size>;

template <class L>
constexpr bool is_leaf_type() {
    return requires(L const& l) { l.source; };
}

template <class L>
constexpr leaf_entry<typename L::value_type> to_entry(L const& l) {
    if constexpr (is_leaf_type<L>()) return {l.data, l.rows, l.cols, l.source, {}};
    else return {nullptr, 0, 0, {}, l.value};
}
template <class L, class T>
constexpr L from_entry(leaf_entry<T> const& e) {
    if constexpr (is_leaf_type<L>()) return L{e.data, e.rows, e.cols, e.source};
    else return L{e.value};
}

//! Leaf or scalar L of expression e: e itself, or rebuilt from its table's entry.
template <class L, class E>
constexpr L leaf_in(E const& e) {
    if constexpr (TAPELESS_SAME(L, E)) return e;
    else return detail::from_entry<L>(e.leaves.e[index_of_v<L, typename E::leaf_list>]);
}

//! Calls f once for each distinct leaf and runtime scalar of e, as its own type (a braced list,
//! not a fold: clang caps folds at 256 operands). For reports; binding loops over entries.
template <class E, class F>
constexpr void for_each_leaf(E const& e, F&& f) {
    [&]<class... Ls>(type_list<Ls...>) {
        (void)std::initializer_list<int>{(f(detail::leaf_in<Ls>(e)), 0)..., 0};
    }(leaf_types_t<E>{});
}

//! Where a table's entry comes from: argument `arg`, its entry `at`.
struct entry_source {
    std::size_t arg = 0, at = 0;
};

// The identity tables of the arguments' leaf lists, in argument order.
template <class... ArgLists>
inline constexpr std::array<id_table, sizeof...(ArgLists)> arg_ids{ids_of<ArgLists>()...};

// Each (slot of List, later argument holding the same leaf again): compared when combined.
struct repeat_source {
    std::size_t slot = 0;
    entry_source again{};
};

// Which entries of List have a name (leaves and named scalars): only those can be bound to two
// different things, and are compared where tables combine.
template <class L>
constexpr bool is_named_type() {
    return requires { L::name; };
}
template <class List>
inline constexpr std::array<bool, 1> tensor_flags{};
template <class... Ls>
inline constexpr std::array<bool, sizeof...(Ls) + 1> tensor_flags<type_list<Ls...>>{is_leaf_type<Ls>()..., false};
template <class List>
inline constexpr std::array<bool, 1> leaf_flags{};
template <class... Ls>
inline constexpr std::array<bool, sizeof...(Ls) + 1> leaf_flags<type_list<Ls...>>{is_named_type<Ls>()..., false};

// For each entry of List, the first argument holding it (`from`); and every later argument entry
// holding a leaf again (`again`, the first `repeats` of them), compared when tables combine. One
// pass over the arguments' entries, each looked up once in List.
template <std::size_t N, std::size_t R>
struct merge_plan {
    std::array<entry_source, N> from;
    std::array<repeat_source, R> again;
    std::size_t repeats;
};
template <class List, class... ArgLists>
constexpr auto plan_merge() {
    constexpr std::size_t n = List::size;
    merge_plan<n, (sizeof...(ArgLists) - 1) * n> p{};
    for (entry_source& f : p.from) f = {npos, npos};
    auto const& args = arg_ids<ArgLists...>;
    id_table const list = ids_of<List>();
    for (std::size_t k = 0; k < sizeof...(ArgLists); ++k)
        for (std::size_t j = 0; j < args[k].size; ++j) {
            std::size_t const i = list.find(args[k].ids[j]);
            // Absent where List is one argument's table taken from its node's (`rebuild`): the
            // node's other arguments' leaves are not that argument's.
            if (i == npos) continue;
            if (p.from[i].arg == npos) p.from[i] = {k, j};
            else if (leaf_flags<List>[i]) p.again[p.repeats++] = {i, {k, j}};
        }
    return p;
}
template <class List, class... ArgLists>
inline constexpr auto merge_plan_v = plan_merge<List, ArgLists...>();

// The parts of the plan a node's code reads, each exactly sized. Keyed by leaf lists, not by
// expression types: nodes with equal lists share them.
template <class List, class... ArgLists>
inline constexpr auto first_sources = merge_plan_v<List, ArgLists...>.from;
template <class List, class... ArgLists>
constexpr std::array<repeat_source, merge_plan_v<List, ArgLists...>.repeats> trim_repeats() {
    std::array<repeat_source, merge_plan_v<List, ArgLists...>.repeats> r{};
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = merge_plan_v<List, ArgLists...>.again[i];
    return r;
}
template <class List, class... ArgLists>
inline constexpr auto repeat_sources = trim_repeats<List, ArgLists...>();

// A leaf's name (empty for a scalar), and those of List's leaves, for conflict messages. A
// variable per leaf type, not a lambda per list: closures per list and leaf cost a 32-block
// residual network 3 s of compile time on g++.
template <class L>
inline constexpr std::string_view leaf_name_v{};
template <fixed_string N, leaf_kind K, class T, shape S>
inline constexpr std::string_view leaf_name_v<leaf<N, K, T, S>> = leaf<N, K, T, S>::name.view();
template <fixed_string N, class T>
inline constexpr std::string_view leaf_name_v<named_scalar<N, T>> = N.view();
template <class List>
inline constexpr std::array<std::string_view, 1> leaf_names{};
template <class... Ls>
inline constexpr std::array<std::string_view, sizeof...(Ls) + 1> leaf_names<type_list<Ls...>>{leaf_name_v<Ls>..., {}};

//! How the table of `List` is put together from tables of the argument lists: the constants one
//! node type's construction reads, passed to one loop per element type (`combine_tables`).
struct table_merge {
    entry_source const* from;
    std::size_t size;
    repeat_source const* again;
    std::size_t repeats;
    std::string_view const* names;
};
template <class List, class... ArgLists>
inline constexpr table_merge merge_of{first_sources<List, ArgLists...>.data(), List::size,
                                      repeat_sources<List, ArgLists...>.data(),
                                      repeat_sources<List, ArgLists...>.size(), leaf_names<List>.data()};

// Equal, or both NaN: a named scalar holding NaN is still one value.
template <class T>
constexpr bool same_value(T a, T b) {
    return a == b || (a != a && b != b);
}

//! Fills `out` from the argument tables `base` as `m` says; returns the first leaf name two of them
//! bind to different tensors, or empty. Compiled once per element type: a node's own code is a
//! call with its constant tables. (Inlined, the copy was unrolled per node over every leaf below
//! it, so a deep network's code grew with nodes times leaves.)
template <class T>
TAPELESS_NOINLINE constexpr std::string_view combine_tables(leaf_entry<T>* out, leaf_entry<T> const* const* base,
                                                            table_merge const& m) {
    for (std::size_t i = 0; i < m.size; ++i) out[i] = base[m.from[i].arg][m.from[i].at];
    for (std::size_t i = 0; i < m.repeats; ++i) {
        leaf_entry<T> const& a = out[m.again[i].slot];
        leaf_entry<T> const& b = base[m.again[i].again.arg][m.again[i].again.at];
        if (a.data != b.data || a.rows != b.rows || a.cols != b.cols || !same_value(a.value, b.value))
            return m.names[m.again[i].slot];
    }
    return {};
}

} // namespace detail
} // namespace tapeless

#endif
