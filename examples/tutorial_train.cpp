//! @file Defines the tutorial's second program (docs/tutorial.md): the seed network compiled once,
//! its plan explained, and trained by gradient descent on a function it can learn.
// SPDX-License-Identifier: BSL-1.0
//
// docs/tutorial.md shows the regions between the `//! [...]` markers and this program's output;
// tapeless.docs.snippets checks both, and ctest runs the program.
#include <tapeless/tapeless.hpp>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>

namespace tl = tapeless;

int main() {
    //! [data]
    // 256 points in the square [-1, 1]², and the target y = |x₀| - x₁ that a relu layer can fit.
    std::size_t const N = 256, D = 2, H = 16;
    tl::Tensor<float> x(N, D), y(N, 1), w1(D, H), b1(1, H), w2(H, 1), b2(1, 1);
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (std::size_t i = 0; i < N; ++i) {
        x(i, 0) = uniform(rng), x(i, 1) = uniform(rng);
        y(i, 0) = std::abs(x(i, 0)) - x(i, 1);
    }
    for (std::size_t i = 0; i < w1.size(); ++i) w1.data()[i] = uniform(rng);
    for (std::size_t i = 0; i < w2.size(); ++i) w2.data()[i] = 0.5f * uniform(rng);
    //! [data]

    //! [compile]
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);
    auto loss = tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(x), W1, B1)), W2, B2), tl::input<"y">(y));

    auto step = tl::compile(loss, W1, B1, W2, B2);   // plan and workspace, once
    std::cout << tl::explain(step) << "\n";
    std::ofstream("tutorial_plan.dot") << tl::to_dot(step);   // dot -Tsvg tutorial_plan.dot
    //! [compile]

    //! [train]
    tl::optim::sgd<float> sgd({.lr = 0.1f});
    for (int i = 1; i <= 2000; ++i) {
        step();                                        // forward and backward: no allocation
        if (i == 1 || i % 500 == 0) std::printf("step %4d  loss %.5f\n", i, double(step.value()));
        sgd.step(w1, step.grad(W1), b1, step.grad(B1), w2, step.grad(W2), b2, step.grad(B2));
    }
    //! [train]
    return step.value() < 0.01f ? 0 : 1;
}
