//! @file Compile-fail case: a `repeat` block that captures (it is called again for every layer).
// SPDX-License-Identifier: BSL-1.0
// expect-error: static.assert(ion)? failed.*tapeless: repeat: the block must capture nothing
#include <tapeless/tapeless.hpp>

#include <vector>

namespace tl = tapeless;

int main() {
    std::vector<tl::Tensor<double>> w(2, tl::Tensor<double>(3, 3));
    tl::Tensor<double> x(4, 3);
    auto W = tl::params<"w">(w);
    double scale = 0.5;
#ifdef TAPELESS_SHOULD_FAIL
    auto block = [scale](auto const& h, auto const& wi) { return h + scale * tl::tanh(tl::matmul(h, wi)); };
#else
    (void)scale;
    auto block = [](auto const& h, auto const& wi) { return h + 0.5 * tl::tanh(tl::matmul(h, wi)); };
#endif
    auto step = tl::compile(tl::sum(tl::repeat(block, tl::input<"x">(x), W)), W);
    step();
    return 0;
}
