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

//! The state of the leaves and scalars of `List`, in its order.
template <class List>
struct leaf_table {
    using value_type = typename table_value<List>::type;
    std::array<leaf_entry<value_type>, List::size> e; // trivial: `leaf_table<L> t{}` zeroes it
};

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
template <class... Es>
inline constexpr std::array<id_table, sizeof...(Es)> arg_ids{ids_of<leaf_types_t<Es>>()...};

// For each entry of List, the first of Es that holds it.
template <class List, class... Es>
constexpr std::array<entry_source, List::size> find_first_sources() {
    auto const& args = arg_ids<Es...>;
    std::array<entry_source, List::size> r{};
    for (std::size_t i = 0; i < List::size; ++i) {
        r[i] = {npos, npos};
        for (std::size_t k = 0; k < sizeof...(Es) && r[i].arg == npos; ++k)
            if (std::size_t const at = args[k].find(type_ids<List>[i]); at != npos) r[i] = {k, at};
    }
    return r;
}
template <class List, class... Es>
inline constexpr auto first_sources = find_first_sources<List, Es...>();

// Each (slot of List, later argument holding the same leaf again): compared when combined.
struct repeat_source {
    std::size_t slot = 0;
    entry_source again{};
};

// Which entries of List are leaves (not runtime scalars): only leaves are bound to tensors.
template <class List>
inline constexpr std::array<bool, 1> leaf_flags{};
template <class... Ls>
inline constexpr std::array<bool, sizeof...(Ls) + 1> leaf_flags<type_list<Ls...>>{is_leaf_type<Ls>()..., false};

// Every (slot, argument, position) where an argument after the first holding a leaf of List holds
// it again; written to `out` unless it is null. Returns how many.
template <class List, class... Es>
constexpr std::size_t find_repeats(repeat_source* out) {
    auto const& args = arg_ids<Es...>;
    std::size_t c = 0;
    for (std::size_t i = 0; i < List::size; ++i) {
        if (!leaf_flags<List>[i]) continue;
        bool first = true;
        for (std::size_t k = 0; k < sizeof...(Es); ++k)
            if (std::size_t const at = args[k].find(type_ids<List>[i]); at != npos) {
                if (!first && out) out[c] = {i, {k, at}};
                c += !first;
                first = false;
            }
    }
    return c;
}
template <class List, class... Es>
constexpr std::array<repeat_source, find_repeats<List, Es...>(nullptr)> find_repeat_sources() {
    std::array<repeat_source, find_repeats<List, Es...>(nullptr)> r{};
    detail::find_repeats<List, Es...>(r.data());
    return r;
}
template <class List, class... Es>
inline constexpr auto repeat_sources = find_repeat_sources<List, Es...>();

// The names of List's leaves (empty for scalars), for conflict messages.
template <class List>
inline constexpr auto leaf_names = []<class... Ls>(type_list<Ls...>) {
    return std::array<std::string_view, sizeof...(Ls) + 1>{[] {
        if constexpr (is_leaf_type<Ls>()) return Ls::name.view();
        else return std::string_view{};
    }()..., std::string_view{}};
}(List{});

// An expression's entries: a node's table, or one entry for a leaf or scalar (kept in `own`).
template <class T, class E>
constexpr leaf_entry<T> const* entries_of(E const& e, leaf_entry<T>& own) {
    if constexpr (requires { e.leaves; }) {
        if constexpr (E::leaf_list::size == 0) return nullptr;
        else return e.leaves.e.data();
    } else if constexpr (requires { typename leaf_types_t<E>; } && leaf_types_t<E>::size == 1) {
        own = detail::to_entry(e);
        return &own;
    } else {
        return nullptr; // a constant: no entries
    }
}

// The loops of `gather_table`, compiled once per element type: a node's own code is a call with its
// constant tables. (Inlined, the copy was unrolled per node over every leaf below it, so a deep
// network's code grew with nodes times leaves.)
template <class T>
TAPELESS_NOINLINE constexpr void copy_entries(leaf_entry<T>* out, leaf_entry<T> const* const* base,
                                              entry_source const* from, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = base[from[i].arg][from[i].at];
}
// The name of the first leaf that `again` finds bound to two tensors, or empty.
template <class T>
TAPELESS_NOINLINE constexpr std::string_view first_conflict(leaf_entry<T> const* t, leaf_entry<T> const* const* base,
                                                            repeat_source const* again, std::size_t n,
                                                            std::string_view const* names) {
    for (std::size_t i = 0; i < n; ++i) {
        leaf_entry<T> const& a = t[again[i].slot];
        leaf_entry<T> const& b = base[again[i].again.arg][again[i].again.at];
        if (a.data != b.data || a.rows != b.rows || a.cols != b.cols) return names[again[i].slot];
    }
    return {};
}

//! The table of `List` taken from expressions `es` (each entry from the first holding it), and the
//! first leaf name two of them bind to different tensors (empty if none; a node passes on its own).
template <class List, class... Es>
constexpr leaf_table<List> gather_table(std::string_view& conflict, Es const&... es) {
    using T = typename leaf_table<List>::value_type;
    leaf_entry<T> own[sizeof...(Es)]{};
    leaf_entry<T> const* base[sizeof...(Es)]{};
    {
        std::size_t k = 0;
        (void)std::initializer_list<int>{(base[k] = detail::entries_of<T>(es, own[k]), ++k, 0)...};
    }
    leaf_table<List> t; // every entry is written below: List is the union of the arguments' lists
    constexpr auto const& from = first_sources<List, Es...>;
    detail::copy_entries<T>(t.e.data(), base, from.data(), from.size());
    std::string_view const inherited[] = {[&] {
        if constexpr (requires { es.conflict; }) return es.conflict;
        else return std::string_view{};
    }()...};
    for (std::string_view c : inherited)
        if (conflict.empty()) conflict = c;
    if (conflict.empty()) {
        constexpr auto const& again = repeat_sources<List, Es...>;
        conflict = detail::first_conflict<T>(t.e.data(), base, again.data(), again.size(), leaf_names<List>.data());
    }
    return t;
}

} // namespace detail
} // namespace tapeless

#endif
