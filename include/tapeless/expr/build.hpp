//! @file Defines `tapeless::build`, the builder behind every user-facing op: it renumbers runtime
//! scalars so that equal types keep meaning equal values.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_BUILD_HPP
#define TAPELESS_EXPR_BUILD_HPP

#include "node.hpp"

#include <array>
#include <type_traits>

namespace tapeless {

namespace detail {
// Largest scalar Id in an expression, -1 if it has none. A variable template per type: the
// compiler memoises it, so a shared subexpression is looked at once.
template <class E>
inline constexpr int max_scalar_id = -1;
template <class T, int Id>
inline constexpr int max_scalar_id<scalar<T, Id>> = Id;
template <class Op, auto... A>
inline constexpr int max_scalar_id<node<Op, A...>> = std::max({-1, max_scalar_id<arg_type<A>>...});

// E with every scalar Id raised by Shift: a type computed once per (Shift, type).
template <int Shift, class E>
struct shifted {
    using type = E;
};
template <int Shift, class T, int Id>
struct shifted<Shift, scalar<T, Id>> {
    using type = scalar<T, Id + Shift>;
};
template <int Shift, class Op, auto... A>
    requires(max_scalar_id<node<Op, A...>> >= 0)
struct shifted<Shift, node<Op, A...>> {
    using type = node_of<Op, typename shifted<Shift, arg_type<A>>::type...>;
};

// Offsets that lift each argument's scalar Ids above those of the arguments before it.
template <class... A>
constexpr auto scalar_offsets() {
    constexpr int ids[] = {max_scalar_id<A>...};
    std::array<int, sizeof...(A)> off{};
    int next = 0;
    for (std::size_t k = 0; k < sizeof...(A); ++k) {
        off[k] = ids[k] < 0 ? 0 : next;
        if (ids[k] >= 0) next = off[k] + ids[k] + 1;
    }
    return off;
}
} // namespace detail

//! Shapes that cannot work whatever runtime extents fill in the dynamic ones. Never defined: the
//! compiler's first error then names the op and both shapes, e.g. "incomplete type
//! tapeless::shape_mismatch_in<tapeless::op::matmul, tapeless::shape{3, 4}, tapeless::shape{5, 6}>".
template <class Op, shape... Shapes>
struct shape_mismatch_in;

namespace detail {
// True when static extents fit Op; otherwise names the op and the shapes in the first error. A
// constant expression keyed by the op and the shapes: it is never compiled to code.
template <class Op, shape... Shapes>
constexpr bool static_shapes_fit() {
    if constexpr (!infer_shape(Op::shape, Shapes...).ok()) {
        (void)sizeof(shape_mismatch_in<Op, Shapes...>);
        return false;
    } else {
        return true;
    }
}

//! The node built from op Op and arguments of types A...: each argument's scalar Ids raised above
//! those of the arguments before it when `Renumber`, and the static extents checked here, where
//! the user's call forms the type, so a mismatch deep inside an expression is the first error.
template <class Op, bool Renumber, class... A>
struct node_type {
    static_assert(static_shapes_fit<Op, A::static_shape...>(),
                  "tapeless: static shapes do not fit this op (see shape_mismatch_in above)");
    static constexpr auto off = Renumber ? scalar_offsets<A...>() : std::array<int, sizeof...(A)>{};
    template <std::size_t... K>
    static auto make(std::index_sequence<K...>) -> node_of<Op, typename shifted<off[K], A>::type...>;
    using type = decltype(make(std::index_sequence_for<A...>{}));
};

//! What building a node reads from one argument: its table, its runtime shape, and the name of a
//! leaf bound to two tensors below it.
template <class T>
struct arg_state {
    leaf_entry<T> const* entries;
    shape_result extent;
    name_ref conflict;
};

//! A leaf's, scalar's or constant's state; a leaf's or scalar's one entry is written to `own`.
template <class T, class E>
    requires(!is_node_v<E>)
constexpr arg_state<T> state_of(E const& e, leaf_entry<T>& own) {
    if constexpr (is_leaf_v<E> || is_scalar_v<E>) {
        own = detail::to_entry(e);
        return {&own, tapeless::built_shape(e), {}};
    } else {
        return {nullptr, {{1, 1}}, {}}; // a constant
    }
}
//! A node's state: a function per (element type, leaf count), not per node type.
template <class T, class U, std::size_t L>
constexpr arg_state<T> state_of(node_state<U, L> const& n, leaf_entry<T>&) {
    if constexpr (L == 0) return {nullptr, n.extent.get(), n.conflict};
    else return {n.leaves.e.data(), n.extent.get(), n.conflict};
}

//! The runtime part of building a node, once per element type: its table from its arguments'
//! (`m`), the conflict it inherits or finds, and its runtime shape under `rule`.
template <class T>
TAPELESS_NOINLINE constexpr void assemble(leaf_entry<T>* table, node_extent& out, name_ref& conflict,
                                          arg_state<T> const* args, std::size_t arity, table_merge const& m,
                                          shape_rule rule) {
    leaf_entry<T> const* base[max_arity]{};
    shape shapes[max_arity]{};
    shape_result extent{{}, nullptr};
    conflict = {};
    for (std::size_t k = 0; k < arity; ++k) {
        base[k] = args[k].entries;
        shapes[k] = args[k].extent.value;
        if (!args[k].extent.ok()) extent = args[k].extent;
        if (conflict.empty()) conflict = args[k].conflict;
    }
    std::string_view const found = detail::combine_tables<T>(table, base, m);
    if (conflict.empty()) conflict = name_ref::of(found);
    if (extent.ok()) extent = infer_shape_n(rule, shapes, arity);
    out.set(extent);
}

//! How node type N's table is merged from its arguments' tables.
template <class N>
struct merge_for;
template <class Op, auto... A>
struct merge_for<node<Op, A...>> {
    static constexpr table_merge const& value = merge_of<typename node<Op, A...>::leaf_list, leaf_types_t<arg_type<A>>...>;
};
} // namespace detail

//! Builds `node_of<Op, ...>` from expressions, in one function per node type (its helpers are
//! constants and loops shared by all nodes: a node's code is a call). With `Renumber` (the
//! default, for user expressions), runtime scalars are renumbered: two of them would otherwise
//! have equal types (`2 * x + 3 * x`) and be merged as one common subexpression. The cost: a
//! subexpression that holds a runtime scalar and is used twice is computed twice (a scalar-free one
//! is still shared). The reverse sweep and rewrites pass `false`: their outputs reuse the forward
//! graph's own nodes and must keep their types.
template <class Op, bool Renumber = true, expression... A>
constexpr auto build(A const&... a) {
    using N = typename detail::node_type<Op, Renumber, A...>::type;
    using T = typename detail::leaf_table<typename N::leaf_list>::value_type;
    N n;
    detail::leaf_entry<T> own[sizeof...(A)];
    std::size_t k = 0;
    detail::arg_state<T> const args[] = {detail::state_of<T>(a, own[k++])...};
    detail::assemble<T>(n.leaves.e.data(), n.extent, n.conflict, args, sizeof...(A),
                        detail::merge_for<N>::value, Op::shape);
    return n;
}

namespace detail {
template <class X>
concept number = std::is_arithmetic_v<X>;

// A number next to an expression becomes a runtime scalar of the expression's element type.
template <class E>
constexpr auto as_operand(E const& e, auto const&) requires expression<E> { return e; }
// A number as a runtime scalar of element type T: one function per (T, number type), not per
// expression type.
template <class T, number N>
constexpr scalar<T, 0> scalar_of(N n) {
    return {static_cast<T>(n)};
}
template <class N, class E>
constexpr auto as_operand(N n, E const&) requires number<N> {
    return detail::scalar_of<typename E::value_type>(n);
}

//! Builds Op on a and b where one may be a number (a runtime scalar of the other's element type).
//! The operators spell it out through this one function; no conversion function per node type.
template <class Op, class A, class B>
constexpr auto build_mixed(A const& a, B const& b) {
    if constexpr (number<A>) return tapeless::build<Op>(detail::scalar_of<typename B::value_type>(a), b);
    else if constexpr (number<B>) return tapeless::build<Op>(a, detail::scalar_of<typename A::value_type>(b));
    else return tapeless::build<Op>(a, b);
}

template <class A, class B>
concept operands = (expression<A> && expression<B>) || (expression<A> && number<B>) ||
                   (number<A> && expression<B>);
} // namespace detail

} // namespace tapeless

#endif
