//! @file Defines the leaf table: the runtime state of an expression (each distinct leaf's storage
//! and extents, each runtime scalar's value), held once per distinct leaf type.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_LEAF_TABLE_HPP
#define TAPELESS_EXPR_LEAF_TABLE_HPP

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

// A's types, then those of B that A lacks: one lookup in A per type of B.
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
    using a_list = type_list<A0, As...>;
    static constexpr bool keep[] = {index_of_v<B0, a_list> == npos, (index_of_v<Bs, a_list> == npos)..., false};
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
//! slower to compile).
template <class T>
struct leaf_entry {
    T const* data = nullptr;
    std::size_t rows = 0, cols = 0;
    tensor_source<T> source{};
    T value{}; // a scalar's value
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
    std::array<leaf_entry<value_type>, List::size> e{};
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

template <class L, class... Es>
constexpr entry_source first_source() {
    std::size_t const at[] = {index_of_v<L, leaf_types_t<Es>>...};
    for (std::size_t k = 0; k < sizeof...(Es); ++k)
        if (at[k] != npos) return {k, at[k]};
    return {npos, npos};
}

// For each entry of List, the first of Es that holds it.
template <class List, class... Es>
inline constexpr auto first_sources = []<class... Ls>(type_list<Ls...>) {
    return std::array<entry_source, sizeof...(Ls)>{first_source<Ls, Es...>()...};
}(List{});

// Each (slot of List, later argument holding the same leaf again): compared when combined.
struct repeat_source {
    std::size_t slot = 0;
    entry_source again{};
};
template <class L, class... Es>
constexpr std::array<std::size_t, sizeof...(Es)> holders() {
    return {index_of_v<L, leaf_types_t<Es>>...};
}
template <class List, class... Es>
constexpr std::size_t repeat_count() {
    constexpr std::size_t n = sizeof...(Es);
    std::size_t c = 0;
    [&]<class... Ls>(type_list<Ls...>) {
        (void)std::initializer_list<int>{([&] {
            if constexpr (is_leaf_type<Ls>()) {
                auto const at = holders<Ls, Es...>();
                std::size_t held = 0;
                for (std::size_t k = 0; k < n; ++k) held += at[k] != npos;
                c += held > 0 ? held - 1 : 0;
            }
        }(), 0)..., 0};
    }(List{});
    return c;
}
template <class List, class... Es>
inline constexpr auto repeat_sources = [] {
    std::array<repeat_source, repeat_count<List, Es...>()> r{};
    std::size_t c = 0, slot = 0;
    [&]<class... Ls>(type_list<Ls...>) {
        (void)std::initializer_list<int>{([&] {
            if constexpr (is_leaf_type<Ls>()) {
                auto const at = holders<Ls, Es...>();
                bool first = true;
                for (std::size_t k = 0; k < sizeof...(Es); ++k)
                    if (at[k] != npos) {
                        if (!first) r[c++] = {slot, {k, at[k]}};
                        first = false;
                    }
            }
            ++slot;
        }(), 0)..., 0};
    }(List{});
    return r;
}();

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
    leaf_table<List> t;
    constexpr auto const& from = first_sources<List, Es...>;
    for (std::size_t i = 0; i < from.size(); ++i) t.e[i] = base[from[i].arg][from[i].at];
    std::string_view const inherited[] = {[&] {
        if constexpr (requires { es.conflict; }) return es.conflict;
        else return std::string_view{};
    }()...};
    for (std::string_view c : inherited)
        if (conflict.empty()) conflict = c;
    for (repeat_source const& r : repeat_sources<List, Es...>) {
        leaf_entry<T> const& a = t.e[r.slot];
        leaf_entry<T> const& b = base[r.again.arg][r.again.at];
        if (conflict.empty() && (a.data != b.data || a.rows != b.rows || a.cols != b.cols))
            conflict = leaf_names<List>[r.slot];
    }
    return t;
}

} // namespace detail
} // namespace tapeless

#endif
