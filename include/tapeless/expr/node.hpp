//! @file Defines `tapeless::node`, the one generic expression node, and the traits and raw
//! builder every other layer uses.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_NODE_HPP
#define TAPELESS_EXPR_NODE_HPP

#include "../ops/traits.hpp"
#include "leaf.hpp"

#include <algorithm>
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
} // namespace detail

namespace detail {
//! Ops take one to three arguments.
inline constexpr std::size_t max_arity = 3;

// A node's arguments as a plain aggregate (ops take one to three). Not hana::tuple or std::tuple:
// their constructor templates make every copy of a node an overload resolution over the whole
// nested type, which dominated the compile time of deep networks (measured in commit 8abead9).
template <class... A>
struct args;
template <class A0>
struct args<A0> {
    A0 a0;
};
template <class A0, class A1>
struct args<A0, A1> {
    A0 a0;
    A1 a1;
};
template <class A0, class A1, class A2>
struct args<A0, A1, A2> {
    A0 a0;
    A1 a1;
    A2 a2;
};
} // namespace detail

//! An op applied to arguments. Plain data: the op tag and the argument types are the graph; the
//! arguments are held by value, and only leaves and scalars among them carry runtime state.
template <class Op, class... Args>
struct node {
    using op = Op;
    static constexpr std::size_t arity = sizeof...(Args);
    using value_type = typename detail::common_value<typename Args::value_type...>::type;
    static constexpr shape static_shape = infer_shape(Op::shape, Args::static_shape...).value;

    static_assert(sizeof...(Args) >= 1 && sizeof...(Args) <= detail::max_arity,
                  "tapeless: ops take one to three arguments");
    detail::args<Args...> args;
};

template <class E>
inline constexpr bool is_node_v = false;
template <class Op, class... A>
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

template <class E>
inline constexpr bool is_constant_v = false;
template <long N, long D>
inline constexpr bool is_constant_v<constant<N, D>> = true;

//! True when E is a node of op Op.
template <class E, class Op>
inline constexpr bool is_op_v = false;
template <class Op, class... A>
inline constexpr bool is_op_v<node<Op, A...>, Op> = true;

//! Anything that can appear in an expression.
template <class E>
concept expression = is_node_v<E> || is_leaf_v<E> || is_scalar_v<E> || is_constant_v<E>;

//! The K-th argument of a node.
template <std::size_t K, class N>
constexpr auto const& arg(N const& n) {
    if constexpr (K == 0) return n.args.a0;
    else if constexpr (K == 1) return n.args.a1;
    else return n.args.a2;
}
template <std::size_t K, class N>
using arg_t = std::remove_cvref_t<decltype(tapeless::arg<K>(std::declval<N const&>()))>;

//! Shapes that cannot work whatever runtime extents fill in the dynamic ones. Never defined: the
//! compiler's first error then names the op and both shapes, e.g. "incomplete type
//! tapeless::shape_mismatch_in<tapeless::op::matmul, tapeless::shape{3, 4}, tapeless::shape{5, 6}>".
template <class Op, shape... Shapes>
struct shape_mismatch_in;

//! Checks static extents where the node is built, so a mismatch is reported at the user's line.
template <class Op, class... Args>
constexpr void check_static_shapes() {
    constexpr shape_result r = infer_shape(Op::shape, Args::static_shape...);
    if constexpr (!r.ok()) {
        (void)sizeof(shape_mismatch_in<Op, Args::static_shape...>);
        static_assert(r.ok(), "tapeless: static shapes do not fit this op (see shape_mismatch_in above)");
    }
}

//! Builds a node without renumbering scalars: for the reverse sweep and rewrites, whose outputs
//! reuse the forward graph's own nodes and must keep their types.
template <class Op, expression... Args>
constexpr node<Op, Args...> make_node(Args const&... args) {
    check_static_shapes<Op, Args...>();
    return {{args...}};
}

} // namespace tapeless

#endif
