// An L-layer relu MLP's training step in one translation unit, for the compile-cost curve:
//   /usr/bin/time -v g++ -std=c++20 -O2 -I include -DTAPELESS_DEPTH=L -c benchmarks/compile/mlp_depth.cpp
// L layers of (w, b), built by `mlp` (a fold over a tuple), differentiated with respect to all 2L
// parameters, planned and emitted.
#include "layer_params.hpp"

#include <tapeless/tapeless.hpp>

#include <array>
#include <tuple>
#include <utility>

#ifndef TAPELESS_DEPTH
#define TAPELESS_DEPTH 8
#endif

namespace tl = tapeless;
constexpr std::size_t depth = TAPELESS_DEPTH;

float mlp_step(tl::Tensor<float> const& x, tl::Tensor<float> const& y, std::array<tl::Tensor<float>, depth> const& w,
               std::array<tl::Tensor<float>, depth> const& b) {
    auto net = tl::bench::layer_params(w, b);
    auto loss = tl::mse(tl::mlp(tl::input<"x">(x), net), tl::input<"y">(y));
    auto step = std::apply([&](auto const&... l) { return tl::compile(loss, l.first..., l.second...); }, net);
    step();
    return step.value();
}
