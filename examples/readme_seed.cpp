//! @file Defines the seed network exactly as README.md shows it: one expression, trained by a compiled step.
// SPDX-License-Identifier: BSL-1.0
//
// README.md's C++ block is the region between the two "seed" markers below (tapeless.docs.snippets
// compares them), and README's plan listing is what this program prints (the same test runs it).
//! [seed]
#include <tapeless/tapeless.hpp>

#include <cstddef>
#include <iostream>
namespace tl = tapeless;

int main() {
    std::size_t const N = 64;                                // minibatch size, known at run time
    tl::Tensor<float> x(N, 784), y(N, 1);                    // data: row-major, runtime extents
    tl::Tensor<float> w1(784, 50), b1(1, 50), w2(50, 1), b2(1, 1);

    auto X  = tl::input<"x">(x);                             // leaves view the tensors' storage
    auto Y  = tl::input<"y">(y);
    auto W1 = tl::param<"w1">(w1);                           // param: gradient may be asked for
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);

    auto loss = tl::mse(tl::lin(tl::relu(tl::lin(X, W1, B1)), W2, B2), Y);   // the seed, one line

    // One shot: the loss and one tensor per leaf.
    auto [value, gw1, gb1, gw2, gb2] = tl::value_and_grad(loss, W1, B1, W2, B2);
    std::cerr << "loss " << value << ", dloss/dw1 is " << gw1.rows() << "x" << gw1.cols() << "\n";

    // Or plan once and step many times: the workspace is allocated here, a step allocates nothing
    // and reads whatever x, y, w1, ... hold when it runs.
    auto step = tl::compile(loss, W1, B1, W2, B2);
    for (int batch = 0; batch < 3; ++batch) {
        /* fill x and y */
        step();
        std::cerr << "batch " << batch << ": loss " << step.value() << "\n";
        auto g = step.grad(W1);                              // a view of the workspace
        for (std::size_t i = 0; i < w1.size(); ++i) w1.data()[i] -= 0.01f * g.data()[i];
        /* ... b1, w2, b2 */
    }
    std::cout << tl::describe(step);                         // the kernels the compiler planned
}
//! [seed]
