// A B-block residual network's training step in one translation unit, for the compile-cost curve:
//   /usr/bin/time -v g++ -std=c++20 -O2 -I include -DTAPELESS_BLOCKS=B -c benchmarks/compile/residual.cpp
// B blocks h = h + tanh(h·w_i + b_i) with square w_i (runtime extents), built by `residual_blocks`
// (a recursion over the block index), then a linear layer to the classes and softmax cross-entropy
// with integer class labels; differentiated with respect to all 2B + 2 parameters, planned and
// emitted. Each block uses h twice, so the expression is a DAG, not a tree.
#include "layer_params.hpp"

#include <tapeless/tapeless.hpp>

#include <array>
#include <tuple>
#include <utility>

#ifndef TAPELESS_BLOCKS
#define TAPELESS_BLOCKS 8
#endif

namespace tl = tapeless;
constexpr std::size_t blocks = TAPELESS_BLOCKS;

// h after blocks I, I + 1, ..., B - 1.
template <std::size_t I, class H, class Params>
auto residual_blocks(H const& h, Params const& p) {
    if constexpr (I == std::tuple_size_v<Params>) return h;
    else return residual_blocks<I + 1>(h + tl::tanh(tl::lin(h, std::get<I>(p).first, std::get<I>(p).second)), p);
}

// x: n x d, labels: n x 1 class indices 0..k-1 (as floats), w[i]: d x d, b[i]: 1 x d, wo: d x k, bo: 1 x k.
float residual_step(tl::Tensor<float> const& x, tl::Tensor<float> const& labels,
                    std::array<tl::Tensor<float>, blocks> const& w, std::array<tl::Tensor<float>, blocks> const& b,
                    tl::Tensor<float> const& wo, tl::Tensor<float> const& bo) {
    auto net = tl::bench::layer_params(w, b);
    auto Wo = tl::param<"wo">(wo);
    auto Bo = tl::param<"bo">(bo);
    auto loss = tl::cross_entropy(tl::lin(residual_blocks<0>(tl::input<"x">(x), net), Wo, Bo), tl::input<"labels">(labels));
    auto step = std::apply([&](auto const&... l) { return tl::compile(loss, l.first..., l.second..., Wo, Bo); }, net);
    step();
    return step.value();
}
