//! @file Defines the functions users build expressions with: leaves (`input`, `param`) and ops
//! (`matmul`, `relu`, `sum`, `mean`, `lin`, `mse`, ...). Builders only: no loops, no derivatives.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_FUNCTIONS_HPP
#define TAPELESS_EXPR_FUNCTIONS_HPP

#include "../ops/add.hpp"
#include "../ops/inv_size.hpp"
#include "../ops/matmul.hpp"
#include "../ops/mul.hpp"
#include "../ops/relu.hpp"
#include "../ops/square.hpp"
#include "../ops/sub.hpp"
#include "../ops/sum.hpp"
#include "../ops/transpose.hpp"
#include "../tensor/tensor.hpp"
#include "build.hpp"

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
    return leaf<Name, Kind, T, X::static_shape>{x.data(), x.rows(), x.cols()};
}
} // namespace detail

//! A leaf that is data: read, never differentiated. The expression views `x`'s storage, which
//! must outlive it; a compiled step reads whatever `x` holds when it runs.
template <fixed_string Name, tensor_like X>
constexpr auto input(X const& x) {
    return detail::make_leaf<Name, leaf_kind::input>(x);
}

//! A leaf whose gradient may be asked for. Same storage rules as `input`.
template <fixed_string Name, tensor_like X>
constexpr auto param(X const& x) {
    return detail::make_leaf<Name, leaf_kind::param>(x);
}

//! Matrix product A·B: (m x k)(k x n) -> m x n.
constexpr auto matmul(expression auto const& a, expression auto const& b) {
    return build<op::matmul>(a, b);
}
//! Transpose; free when it feeds a matmul (a GEMM flag).
constexpr auto transpose(expression auto const& a) { return build<op::transpose>(a); }
//! max(x, 0), elementwise.
constexpr auto relu(expression auto const& x) { return build<op::relu>(x); }
//! x², elementwise.
constexpr auto square(expression auto const& x) { return build<op::square>(x); }
//! Sum of all elements, 1 x 1.
constexpr auto sum(expression auto const& x) { return build<op::sum>(x); }
//! Mean of all elements, 1 x 1: the sum times 1/size, the factor taken from the shape.
constexpr auto mean(expression auto const& x) {
    return build<op::mul>(sum(x), build<op::inv_size>(x));
}
//! The affine layer x·w + b, b a row vector broadcast over the rows.
constexpr auto lin(expression auto const& x, expression auto const& w, expression auto const& b) {
    return build<op::add>(matmul(x, w), b);
}
//! Mean squared error over all elements, as the seed defines it: mean((pred - target)²).
constexpr auto mse(expression auto const& pred, expression auto const& target) {
    return mean(square(build<op::sub>(pred, target)));
}

} // namespace tapeless

#endif
