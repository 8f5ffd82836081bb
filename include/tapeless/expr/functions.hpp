//! @file Defines the leaves users build expressions from (`input`, `param`), `matmul` and
//! `transpose`, and includes every other builder. Builders only: no loops, no derivatives.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_FUNCTIONS_HPP
#define TAPELESS_EXPR_FUNCTIONS_HPP

#include "../ops/matmul.hpp"
#include "../tensor/tensor.hpp"
#include "attention.hpp"
#include "build.hpp"
#include "dropout.hpp"
#include "embedding.hpp"
#include "layers.hpp"
#include "losses.hpp"
#include "math.hpp"
#include "normalization.hpp"
#include "reductions.hpp"
#include "transpose.hpp"

#include <type_traits>

namespace tapeless {

//! What a leaf can view: a `Tensor` or `TensorView` (anything with data(), rows(), cols() and a
//! static_shape).
template <class X>
concept tensor_like = requires(X const& x) {
    { x.data() };
    { x.rows() } -> std::convertible_to<std::size_t>;
    { x.cols() } -> std::convertible_to<std::size_t>;
    X::static_shape;
} && element<std::remove_const_t<typename X::value_type>>;

namespace detail {
template <fixed_string Name, leaf_kind Kind, tensor_like X>
constexpr auto make_leaf(X const& x) {
    using T = std::remove_const_t<typename X::value_type>;
    leaf<Name, Kind, T, X::static_shape> l{x.data(), x.rows(), x.cols()};
    if constexpr (requires { x.source(); }) l.source = x.source();
    return l;
}
} // namespace detail

//! A leaf that is data: read, never differentiated. The expression views `x`'s storage, which
//! must outlive it; a compiled step reads whatever `x` holds when it runs.
template <fixed_string Name, tensor_like X>
constexpr auto input(X const& x) {
    return detail::make_leaf<Name, leaf_kind::input>(x);
}

//! A named runtime scalar (`input<"eps">(1e-5f)`): data like a 1 x 1 input, its value taken now.
//! Unlike a number written into an expression, it keeps one identity wherever it is used, so a
//! subexpression holding it stays shared (see `named_scalar`).
template <fixed_string Name, class T>
    requires std::is_floating_point_v<T>
constexpr auto input(T value) {
    return named_scalar<Name, T>{value};
}

//! A leaf whose gradient may be asked for. Same storage rules as `input`.
template <fixed_string Name, tensor_like X>
constexpr auto param(X const& x) {
    return detail::make_leaf<Name, leaf_kind::param>(x);
}

//! Matrix product A·B: (m x k)(k x n) -> m x n.
constexpr auto matmul(expression auto const& a, expression auto const& b) {
    return tapeless::build<op::matmul>(a, b);
}

} // namespace tapeless

#endif
