//! @file Lets `mlp` take its layers as a Hana tuple of (w, b) pairs.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PARAMS_MLP_HPP
#define TAPELESS_PARAMS_MLP_HPP

#include "../expr/layers.hpp"

#include <boost/hana/pair.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>

#include <tuple>
#include <utility>

namespace tapeless {

//! `mlp(X, hana::make_tuple(hana::make_pair(W1, B1), hana::make_pair(W2, B2)))`: the same network
//! as the `std::tuple` form, which it forwards to (the expression's type is the same).
template <class X, class... Layers, class Activation = detail::relu_activation>
constexpr auto mlp(X const& x, boost::hana::tuple<Layers...> const& layers, Activation const& activation = {}) {
    static_assert(sizeof...(Layers) > 0, "tapeless: mlp: needs at least one (w, b) layer");
    auto as_std = boost::hana::unpack(layers, [](Layers const&... l) {
        return std::make_tuple(std::pair{boost::hana::first(l), boost::hana::second(l)}...);
    });
    return tapeless::mlp(x, as_std, activation);
}

} // namespace tapeless

#endif
