// A network of B layer-normalised blocks' training step in one translation unit, for the
// compile-cost curve:
//   /usr/bin/time -v g++ -std=c++20 -O2 -I include -DTAPELESS_BLOCKS=B -c benchmarks/compile/layernorm.cpp
// Each block normalises each row of h and applies a relu layer, about 15 nodes:
//   mu = mean_rows(h); c = h - mu; var = mean_rows(square(c)); n = c / sqrt(var + 1e-5f);
//   h = relu(n·w_i + b_i)
// built by `layernorm_blocks` (a recursion over the block index), then a linear layer to the
// classes and softmax cross-entropy with integer class labels; differentiated with respect to all
// 2B + 2 parameters, planned and emitted.
#include "layer_params.hpp"

#include <tapeless/tapeless.hpp>

#include <array>
#include <tuple>
#include <utility>

#ifndef TAPELESS_BLOCKS
#define TAPELESS_BLOCKS 4
#endif

namespace tl = tapeless;
constexpr std::size_t blocks = TAPELESS_BLOCKS;

// h after blocks I, I + 1, ..., B - 1.
template <std::size_t I, class H, class Params>
auto layernorm_blocks(H const& h, Params const& p) {
    if constexpr (I == std::tuple_size_v<Params>) return h;
    else {
        auto mu = tl::mean_rows(h);
        auto c = h - mu;
        auto var = tl::mean_rows(tl::square(c));
        auto n = c / tl::sqrt(var + 1e-5f);
        return layernorm_blocks<I + 1>(tl::relu(tl::lin(n, std::get<I>(p).first, std::get<I>(p).second)), p);
    }
}

// x: n x d, labels: n x 1 class indices 0..k-1 (as floats), w[i]: d x d, b[i]: 1 x d, wo: d x k, bo: 1 x k.
float layernorm_step(tl::Tensor<float> const& x, tl::Tensor<float> const& labels,
                     std::array<tl::Tensor<float>, blocks> const& w, std::array<tl::Tensor<float>, blocks> const& b,
                     tl::Tensor<float> const& wo, tl::Tensor<float> const& bo) {
    auto net = tl::bench::layer_params(w, b);
    auto Wo = tl::param<"wo">(wo);
    auto Bo = tl::param<"bo">(bo);
    auto loss = tl::cross_entropy(tl::lin(layernorm_blocks<0>(tl::input<"x">(x), net), Wo, Bo), tl::input<"labels">(labels));
    auto step = std::apply([&](auto const&... l) { return tl::compile(loss, l.first..., l.second..., Wo, Bo); }, net);
    step();
    return step.value();
}
