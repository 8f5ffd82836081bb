//! @file Compile-fail case: a number in a `repeat`'s input, under a loss that reads its argument
//! twice (cross_entropy): the input is renumbered per read, so the repeat would run twice.
// SPDX-License-Identifier: BSL-1.0
// expect-error: static.assert(ion)? failed.*tapeless: repeat: this repeat runs twice
#include <tapeless/tapeless.hpp>

#include <vector>

namespace tl = tapeless;

int main() {
    std::vector<tl::Tensor<double>> w(2, tl::Tensor<double>(3, 3));
    tl::Tensor<double> x(4, 3), v(3, 2), y(4, 1);
    auto W = tl::params<"w">(w);
    auto X = tl::input<"x">(x);
    auto block = [](auto const& h, auto const& wi) { return h + tl::tanh(tl::matmul(h, wi)); };
#ifdef TAPELESS_SHOULD_FAIL
    auto in = 0.5 * X;
#else
    auto in = tl::input<"half">(0.5) * X; // named: one number, read twice
#endif
    auto V = tl::param<"v">(v);
    auto step = tl::compile(tl::cross_entropy(tl::matmul(tl::repeat(block, in, W), V), tl::input<"y">(y)), W, V);
    step();
    return 0;
}
