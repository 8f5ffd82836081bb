//! @file Compile-fail case: a `repeat` block whose result does not have h's static shape.
// SPDX-License-Identifier: BSL-1.0
// expect-error: static.assert(ion)? failed.*tapeless: repeat: the block must return an expression of h's shape
#include <tapeless/tapeless.hpp>

#include <vector>

namespace tl = tapeless;

int main() {
    std::vector<tl::Tensor<double, 3, 3>> w(2);
    std::vector<tl::Tensor<double, 3, 2>> v(2);
    tl::Tensor<double, 4, 3> x;
    auto W = tl::params<"w">(w);
    auto V = tl::params<"v">(v);
#ifdef TAPELESS_SHOULD_FAIL
    auto block = [](auto const& h, auto const& wi, auto const& vi) { return tl::matmul(tl::tanh(tl::matmul(h, wi)), vi); };
#else
    auto block = [](auto const& h, auto const& wi, auto const& vi) { return h + tl::sum(tl::matmul(tl::tanh(tl::matmul(h, wi)), vi)); };
#endif
    auto step = tl::compile(tl::sum(tl::repeat(block, tl::input<"x">(x), W, V)), W, V);
    step();
    return 0;
}
