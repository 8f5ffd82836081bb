// A pre-norm residual network of B blocks' training step in one translation unit, for the
// compile-cost curve:
//   /usr/bin/time -v g++ -std=c++20 -O2 -I include -DTAPELESS_BLOCKS=B -c benchmarks/compile/prenorm.cpp
// Each block is a transformer's feed-forward half:
//   h = h + relu(layer_norm(h, g_i, beta_i)·w_i + b_i)·v_i
// built by `prenorm_blocks` (a recursion over the block index), then a linear layer to the
// classes and softmax cross-entropy with integer class labels; differentiated with respect to all
// 5B + 2 parameters, planned and emitted. `layer_norm` is one op (a kernel each way), so a block
// is 9 nodes forward; written by hand from mean_rows and sqrt it was about 20 and compiled about
// twice as slowly (benchmarks/RESULTS.md).
#include <tapeless/tapeless.hpp>

#include <array>
#include <cstddef>
#include <utility>

#ifndef TAPELESS_BLOCKS
#define TAPELESS_BLOCKS 4
#endif

namespace tl = tapeless;
constexpr std::size_t blocks = TAPELESS_BLOCKS;

// One block's parameters: gain g and bias beta (1 x d), w (d x d), b (1 x d), v (d x d).
struct block_tensors {
    std::array<tl::Tensor<float>, blocks> g, beta, w, b, v;
};

// h after blocks I, I + 1, ..., B - 1.
template <std::size_t I, class H>
auto prenorm_blocks(H const& h, block_tensors const& p) {
    if constexpr (I == blocks) {
        return h;
    } else {
        auto n = tl::layer_norm(h, tl::param<tl::indexed_name<"g", I>()>(p.g[I]),
                                tl::param<tl::indexed_name<"beta", I>()>(p.beta[I]));
        auto f = tl::matmul(tl::relu(tl::lin(n, tl::param<tl::indexed_name<"w", I>()>(p.w[I]),
                                             tl::param<tl::indexed_name<"b", I>()>(p.b[I]))),
                            tl::param<tl::indexed_name<"v", I>()>(p.v[I]));
        return prenorm_blocks<I + 1>(h + f, p);
    }
}

// The parameter leaves of every block, in the order g, beta, w, b, v per block.
template <std::size_t... I>
auto block_params(block_tensors const& p, std::index_sequence<I...>) {
    return std::tuple_cat(std::tuple{tl::param<tl::indexed_name<"g", I>()>(p.g[I]),
                                     tl::param<tl::indexed_name<"beta", I>()>(p.beta[I]),
                                     tl::param<tl::indexed_name<"w", I>()>(p.w[I]),
                                     tl::param<tl::indexed_name<"b", I>()>(p.b[I]),
                                     tl::param<tl::indexed_name<"v", I>()>(p.v[I])}...);
}

// x: n x d, labels: n x 1 class indices 0..k-1 (as floats), wo: d x k, bo: 1 x k.
float prenorm_step(tl::Tensor<float> const& x, tl::Tensor<float> const& labels, block_tensors const& p,
                   tl::Tensor<float> const& wo, tl::Tensor<float> const& bo) {
    auto Wo = tl::param<"wo">(wo);
    auto Bo = tl::param<"bo">(bo);
    auto h = prenorm_blocks<0>(tl::input<"x">(x), p);
    auto loss = tl::cross_entropy(tl::lin(h, Wo, Bo), tl::input<"labels">(labels));
    auto step = std::apply([&](auto const&... l) { return tl::compile(loss, l..., Wo, Bo); },
                           block_params(p, std::make_index_sequence<blocks>{}));
    step();
    return step.value();
}
