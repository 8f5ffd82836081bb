// The residual network of `residual.cpp` written with `tl::repeat`, for the compile-cost curve:
//   /usr/bin/time -v g++ -std=c++20 -O2 -I include -c benchmarks/compile/repeat_residual.cpp
// Blocks h = h + tanh(h·w_i + b_i) over stacks of any length (read at each step), then a linear
// layer to the classes and softmax cross-entropy with integer class labels; differentiated with
// respect to both stacks and the head, planned and emitted. Its cost does not depend on the depth:
// compare it with `residual.cpp` at one block.
#include <tapeless/tapeless.hpp>

#include <vector>

namespace tl = tapeless;

// x: n x d, labels: n x 1 class indices 0..k-1 (as floats), w[i]: d x d, b[i]: 1 x d, wo: d x k, bo: 1 x k.
float residual_step(tl::Tensor<float> const& x, tl::Tensor<float> const& labels, std::vector<tl::Tensor<float>>& w,
                    std::vector<tl::Tensor<float>>& b, tl::Tensor<float> const& wo, tl::Tensor<float> const& bo) {
    auto W = tl::params<"w">(w);
    auto B = tl::params<"b">(b);
    auto Wo = tl::param<"wo">(wo);
    auto Bo = tl::param<"bo">(bo);
    auto block = [](auto const& h, auto const& wi, auto const& bi) { return h + tl::tanh(tl::lin(h, wi, bi)); };
    auto loss = tl::cross_entropy(tl::lin(tl::repeat(block, tl::input<"x">(x), W, B), Wo, Bo), tl::input<"labels">(labels));
    auto step = tl::compile(loss, W, B, Wo, Bo);
    step();
    return step.value();
}
