//! @file Compile-fail case: an input leaf in a parameter set.
// SPDX-License-Identifier: BSL-1.0
// expect-error: static.assert(ion)? failed.*tapeless: parameters: every argument must be a param leaf
#include <tapeless/params.hpp>
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<double> x(2, 2), w(2, 2);
    auto X = tl::input<"x">(x);
    auto W = tl::param<"w">(w);
#ifdef TAPELESS_SHOULD_FAIL
    auto params = tl::parameters(W, X);
#else
    auto params = tl::parameters(W);
#endif
    auto step = tl::compile(tl::sum(tl::matmul(X, W)), params);
    step();
    return int(step.value()) * 0;
}
