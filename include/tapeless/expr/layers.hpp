//! @file Defines layers: the affine map `lin` and `mlp`, a stack of them folded at compile time.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_LAYERS_HPP
#define TAPELESS_EXPR_LAYERS_HPP

#include "../ops/add.hpp"
#include "../ops/matmul.hpp"
#include "../ops/relu.hpp"
#include "build.hpp"
#include "check.hpp"

#include <string_view>
#include <tuple>
#include <utility>

namespace tapeless {

//! Tags naming user-level calls in shape errors (see `detail::check_call`).
namespace call {
struct lin {
    static constexpr std::string_view text = "lin(x, w, b)";
};
} // namespace call

//! The affine layer x·w + b, b a row vector broadcast over the rows.
constexpr auto lin(expression auto const& x, expression auto const& w, expression auto const& b) {
    detail::check_call<call::lin, detail::rules::affine>(x, w, b);
    return tapeless::build<op::add>(tapeless::build<op::matmul>(x, w), b);
}

namespace detail {
struct relu_activation {
    constexpr auto operator()(expression auto const& h) const { return tapeless::build<op::relu>(h); }
};
// One instantiation per layer: the recursion walks the tuple once.
template <std::size_t K, class H, class Layers, class Activation>
constexpr auto mlp_from(H const& h, Layers const& layers, Activation const& activation) {
    auto z = tapeless::lin(h, std::get<K>(layers).first, std::get<K>(layers).second);
    if constexpr (K + 1 == std::tuple_size_v<Layers>) return z;
    else return mlp_from<K + 1>(activation(z), layers, activation);
}
} // namespace detail

//! A multi-layer perceptron: `layers` is a tuple of (w, b) pairs; every layer but the last is
//! followed by `activation` (relu by default):
//! `mlp(X, std::tuple{std::pair{W1, B1}, std::pair{W2, B2}})` is `lin(relu(lin(X, W1, B1)), W2, B2)`.
template <class X, class... Layers, class Activation = detail::relu_activation>
constexpr auto mlp(X const& x, std::tuple<Layers...> const& layers, Activation const& activation = {}) {
    static_assert(sizeof...(Layers) > 0, "tapeless: mlp: needs at least one (w, b) layer");
    return detail::mlp_from<0>(x, layers, activation);
}

} // namespace tapeless

#endif
