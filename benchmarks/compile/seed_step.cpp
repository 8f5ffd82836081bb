// The seed step as one translation unit, for measuring compile time and compiler memory:
//   /usr/bin/time -v g++ -std=c++20 -O2 -I include -c benchmarks/compile/seed_step.cpp
// It instantiates exactly what a user's training program does: the expression, its gradients,
// the plan and the kernels, for float with runtime extents.
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

float seed_step(tl::Tensor<float> const& x, tl::Tensor<float> const& y, tl::Tensor<float>& w1,
                tl::Tensor<float>& b1, tl::Tensor<float>& w2, tl::Tensor<float>& b2) {
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);
    auto step = tl::compile(tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(x), W1, B1)), W2, B2), tl::input<"y">(y)),
                            W1, B1, W2, B2);
    step();
    return step.value();
}
