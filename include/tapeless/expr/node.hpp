//! @file Defines `tapeless::node`, the one generic expression node, and the traits and raw
//! builder every other layer uses.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_NODE_HPP
#define TAPELESS_EXPR_NODE_HPP

#include "../ops/traits.hpp"
#include "leaf.hpp"
#include "leaf_table.hpp"

#include <algorithm>
#include <string_view>
#include <type_traits>
#include <utility>

namespace tapeless {

namespace detail {
template <class... Ts>
struct common_value {
    using type = void;
};
template <class T, class... Ts>
struct common_value<T, Ts...> {
    using rest = typename common_value<Ts...>::type;
    using type = std::conditional_t<std::is_void_v<T>, rest, T>;
    static_assert(std::is_void_v<T> || std::is_void_v<rest> || std::is_same_v<T, rest>,
                  "tapeless: an expression mixes float and double leaves");
};

//! A node's argument, held as a template argument *value*: an empty object whose type names the
//! argument's expression type. Why not the type itself: argument-dependent lookup collects the
//! classes of a class template's type arguments, recursively and (in clang 14) without noticing
//! a type it has seen, so every unqualified call or operator on a residual network's expression
//! walked its whole tree -- exponential in depth (clang took over 200 s at 32 blocks, nearly all
//! of it in `Sema::FindAssociatedClassesAndNamespaces`). Lookup never looks inside a template
//! argument value, so a node's associated classes are its op's and its own, at any depth.
template <class E>
struct arg_value {
    using type = E;
};

// How an argument is spelled, measured per compiler (a residual chain of 256 blocks, one TU):
// clang compiles object values fastest (as pointers to a variable, its lookup grows again:
// 60 s); g++ turns each class-type value into a named template parameter object and slows down
// (18 s), while a pointer to a variable per type costs it 3.5 s.
template <class E>
inline constexpr arg_value<E> arg_object{};
template <auto A>
using arg_type = typename std::remove_cvref_t<std::remove_pointer_t<decltype(A)>>::type;

//! A node's runtime shape as its arguments gave it when it was built. Trivial, and zero (`built`
//! false) reads as unbound: a node rebuilt from a table has not seen its arguments' shapes.
struct node_extent {
    shape value;
    char const* error;
    bool built;

    constexpr shape_result get() const { return built ? shape_result{value, error} : shape_result{{}, "unbound"}; }
    constexpr void set(shape_result const& r) { *this = {r.value, r.error, true}; }
};

//! A leaf's name held by a node when two tensors were bound under it while building (trivial, so
//! a node's construction stays a plain write; empty: no conflict).
struct name_ref {
    char const* data;
    std::size_t size;

    constexpr std::string_view view() const { return size ? std::string_view{data, size} : std::string_view{}; }
    constexpr bool empty() const { return size == 0; }
    static constexpr name_ref of(std::string_view s) { return {s.data(), s.size()}; }
};

//! Leaves an op holds itself rather than through an argument: a `repeat`'s stacks.
template <class Op>
struct op_leaves {
    using type = type_list<>;
};

//! The distinct leaves and scalars below a node, in order of first occurrence: its op's own, then
//! its arguments'.
template <class Op, auto... Args>
using leaves_below = union_t<typename op_leaves<Op>::type, leaf_types_t<arg_type<Args>>...>;

//! What a node holds at run time, named by its element type and leaf count only: every function
//! that reads a node's state takes this base, so none is named after a graph's expression types
//! (those names grow with depth, and g++ spends time on each such function's name).
template <class T, std::size_t L>
struct node_state {
    table_storage<T, L> leaves;
    node_extent extent;
    name_ref conflict;
};

// A node's static shape; both extents dynamic where the op does not fit (that op's check reports
// it, and the nodes above it do not report it again).
constexpr shape static_or_dynamic(shape_result const& r) { return r.ok() ? r.value : shape{dynamic, dynamic}; }
} // namespace detail

//! An op applied to arguments. The op tag and the argument types are the graph; the object holds
//! no child, only the leaf table of the leaves and scalars below it (each once, see
//! `leaf_table.hpp`), the runtime shape its arguments had when it was built, and the name of a leaf
//! bound to two tensors in it, if any (reported when it is compiled). Written `node_of<Op, A...>`
//! (see `detail::arg_value` for why the arguments are values).
template <class Op, auto... Args>
struct node : detail::node_state<typename detail::table_value<detail::leaves_below<Op, Args...>>::type,
                                 detail::leaves_below<Op, Args...>::size> {
    using op = Op;
    static constexpr std::size_t arity = sizeof...(Args);
    using value_type = typename detail::common_value<typename detail::arg_type<Args>::value_type...>::type;
    static constexpr shape static_shape =
        detail::static_or_dynamic(infer_shape(Op::shape, detail::arg_type<Args>::static_shape...));
    using leaf_list = detail::leaves_below<Op, Args...>;

    static_assert(sizeof...(Args) >= 1 && sizeof...(Args) <= detail::max_arity,
                  "tapeless: ops take one to three arguments");
    // Its state is the trivial base, written once by `build`: a node's construction is one
    // call, with no constructor of its own. A value-initialised node (`N{}`) has an empty table
    // and reads as unbound.
};

//! The node of op Op on arguments of expression types A...
template <class Op, class... A>
#if defined(__clang__)
using node_of = node<Op, detail::arg_value<A>{}...>;
#else
using node_of = node<Op, &detail::arg_object<A>...>;
#endif

template <class E>
inline constexpr bool is_node_v = false;
template <class Op, auto... A>
inline constexpr bool is_node_v<node<Op, A...>> = true;

template <class E>
inline constexpr bool is_leaf_v = false;
template <fixed_string N, leaf_kind K, class T, shape S>
inline constexpr bool is_leaf_v<leaf<N, K, T, S>> = true;

template <class E>
inline constexpr bool is_param_v = false;
template <fixed_string N, class T, shape S>
inline constexpr bool is_param_v<leaf<N, leaf_kind::param, T, S>> = true;

template <class E>
inline constexpr bool is_scalar_v = false;
template <class T, int Id>
inline constexpr bool is_scalar_v<scalar<T, Id>> = true;
template <fixed_string N, class T>
inline constexpr bool is_scalar_v<named_scalar<N, T>> = true;

template <class E>
inline constexpr bool is_constant_v = false;
template <long N, long D>
inline constexpr bool is_constant_v<constant<N, D>> = true;

//! True when E is a node of op Op.
template <class E, class Op>
inline constexpr bool is_op_v = false;
template <class Op, auto... A>
inline constexpr bool is_op_v<node<Op, A...>, Op> = true;

//! Anything that can appear in an expression.
template <class E>
concept expression = is_node_v<E> || is_leaf_v<E> || is_scalar_v<E> || is_constant_v<E>;

namespace detail {
template <std::size_t K, class... A>
struct nth;
template <class A0, class... A>
struct nth<0, A0, A...> {
    using type = A0;
};
template <class A0, class A1, class... A>
struct nth<1, A0, A1, A...> {
    using type = A1;
};
template <class A0, class A1, class A2, class... A>
struct nth<2, A0, A1, A2, A...> {
    using type = A2;
};
template <class A0, class A1, class A2, class A3>
struct nth<3, A0, A1, A2, A3> {
    using type = A3;
};
template <std::size_t K, class N>
struct arg_of;
template <std::size_t K, class Op, auto... A>
struct arg_of<K, node<Op, A...>> : nth<K, arg_type<A>...> {};

//! An object of expression type E whose leaves are taken from table-holding expression `from`.
//! Its runtime shape is not known here (no walk below it): it reads as unbound.
template <class E, class From>
constexpr E rebuild(From const& from) {
    if constexpr (is_leaf_v<E> || is_scalar_v<E>) return detail::leaf_in<E>(from);
    else if constexpr (is_node_v<E>) {
        E e{};
        if constexpr (E::leaf_list::size > 0) {
            using T = typename leaf_table<typename E::leaf_list>::value_type;
            leaf_entry<T> const* base[] = {from.leaves.e.data()};
            (void)detail::combine_tables<T>(e.leaves.e.data(), base,
                                            merge_of<typename E::leaf_list, typename From::leaf_list>);
        }
        return e;
    } else return E{};
}
} // namespace detail

//! The type of the K-th argument of node N.
template <std::size_t K, class N>
using arg_t = typename detail::arg_of<K, N>::type;

//! The K-th argument of a node, rebuilt from its leaf table (a node holds no child).
template <std::size_t K, class N>
constexpr arg_t<K, N> arg(N const& n) {
    return detail::rebuild<arg_t<K, N>>(n);
}

//! The runtime shape an expression had when it was built: a leaf's extents, a node's as its
//! arguments' gave it; not ok when a leaf is unbound or an op inside does not fit.
template <class E>
    requires(!is_node_v<E>)
constexpr shape_result built_shape(E const& e) {
    if constexpr (is_leaf_v<E>) {
        if (e.data == nullptr && !e.source.tracked()) return {{}, "unbound"};
        return {{e.rows, e.cols}};
    } else {
        return {{1, 1}};
    }
}
template <class T, std::size_t L>
constexpr shape_result built_shape(detail::node_state<T, L> const& n) {
    return n.extent.get();
}

} // namespace tapeless

#endif
