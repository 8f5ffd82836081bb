//! @file Defines symbolic shapes: which runtime extents two expressions provably share.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_SYMBOLIC_SHAPE_HPP
#define TAPELESS_GRAPH_SYMBOLIC_SHAPE_HPP

#include "../detail/type_list.hpp"
#include "../expr/node.hpp"

#include <cstddef>
#include <type_traits>

// An extent is named by a type that is a function of the leaves' runtime extents: a static value,
// a leaf's own extent, or the broadcast of two extents. Equal types therefore mean equal runtime
// extents, which lets the reverse sweep skip a `sum_to` and the planner fuse loops at compile time,
// with runtime extents, without guessing.
namespace tapeless::sym {

template <std::size_t V>
struct fixed {};
template <class Leaf, int Dim>
struct of_leaf {};
template <class A, class B>
struct broadcast {};

namespace detail {
template <class A, class B>
struct join {
    using type = broadcast<A, B>;
};
template <class A>
struct join<A, A> {
    using type = A;
};
template <class A>
struct join<A, fixed<1>> {
    using type = A;
};
template <class B>
struct join<fixed<1>, B> {
    using type = B;
};
template <>
struct join<fixed<1>, fixed<1>> {
    using type = fixed<1>;
};
template <std::size_t V, class B>
struct join<fixed<V>, B> {
    using type = fixed<V>; // the other must be V or 1: checked when the node was built or bound
};
template <class A, std::size_t V>
struct join<A, fixed<V>> {
    using type = fixed<V>;
};
template <std::size_t V, std::size_t W>
struct join<fixed<V>, fixed<W>> {
    using type = fixed<V>; // V != W, neither 1: already a static shape error where it was built
};
template <std::size_t V>
struct join<fixed<V>, fixed<V>> {
    using type = fixed<V>;
};
template <std::size_t V>
struct join<fixed<V>, fixed<1>> {
    using type = fixed<V>;
};
template <std::size_t V>
struct join<fixed<1>, fixed<V>> {
    using type = fixed<V>;
};

template <class R, class C>
struct shape_of {
    using rows = R;
    using cols = C;
};

template <std::size_t E, class Fallback>
using extent_t = std::conditional_t<E == dynamic, Fallback, fixed<E>>;

template <class E>
struct shape {
    using type = shape_of<extent_t<E::static_shape.rows, of_leaf<E, 0>>,
                          extent_t<E::static_shape.cols, of_leaf<E, 1>>>;
};

template <class S, class... Ss>
struct broadcast_all {
    using type = S;
};
template <class S, class T, class... Ss>
struct broadcast_all<S, T, Ss...>
    : broadcast_all<shape_of<typename join<typename S::rows, typename T::rows>::type,
                             typename join<typename S::cols, typename T::cols>::type>,
                    Ss...> {};

template <class Op, auto... A>
struct shape<node<Op, A...>> {
    template <std::size_t K>
    using arg = typename shape<std::tuple_element_t<K, std::tuple<tapeless::detail::arg_type<A>...>>>::type;
    static auto pick() {
        if constexpr (Op::shape == shape_rule::broadcast)
            return typename broadcast_all<typename shape<tapeless::detail::arg_type<A>>::type...>::type{};
        else if constexpr (Op::shape == shape_rule::matmul)
            return shape_of<typename arg<0>::rows, typename arg<1>::cols>{};
        else if constexpr (Op::shape == shape_rule::transpose)
            return shape_of<typename arg<0>::cols, typename arg<0>::rows>{};
        else if constexpr (Op::shape == shape_rule::scalar)
            return shape_of<fixed<1>, fixed<1>>{};
        else if constexpr (Op::shape == shape_rule::column)
            return shape_of<typename arg<0>::rows, fixed<1>>{};
        else if constexpr (Op::shape == shape_rule::row)
            return shape_of<fixed<1>, typename arg<0>::cols>{};
        else if constexpr (Op::shape == shape_rule::like_last)
            return arg<sizeof...(A) - 1>{};
        else if constexpr (Op::shape == shape_rule::same)
            return arg<0>{};
        else if constexpr (Op::shape == shape_rule::gather)
            return shape_of<typename arg<1>::rows, typename arg<0>::cols>{};
    }
    using type = decltype(pick());
};
} // namespace detail

//! The symbolic shape of E: its members `rows` and `cols` name its extents.
template <class E>
using shape_t = typename detail::shape<E>::type;

//! True when A and B have the same extents for every binding of the leaves.
template <class A, class B>
inline constexpr bool same_shape_v = TAPELESS_SAME(shape_t<A>, shape_t<B>);

} // namespace tapeless::sym

#endif
