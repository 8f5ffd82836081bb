//! @file Defines `layer_params`: the (w_i, b_i) parameter leaves of a stack of layers, shared by
//! the compile-cost translation units.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_BENCHMARKS_COMPILE_LAYER_PARAMS_HPP
#define TAPELESS_BENCHMARKS_COMPILE_LAYER_PARAMS_HPP

#include <tapeless/tapeless.hpp>

#include <array>
#include <cstddef>
#include <tuple>
#include <utility>

namespace tapeless::bench {

//! A tuple of (param<"w{i}">(w[i]), param<"b{i}">(b[i])) pairs. `make_tuple`, since
//! `std::tuple{pair}` would deduce tuple<w0, b0> for a single layer.
template <std::size_t L>
auto layer_params(std::array<Tensor<float>, L> const& w, std::array<Tensor<float>, L> const& b) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return std::make_tuple(
            std::pair{param<indexed_name<"w", I>()>(w[I]), param<indexed_name<"b", I>()>(b[I])}...);
    }(std::make_index_sequence<L>{});
}

} // namespace tapeless::bench

#endif
