//! @file Compile-fail case: asking for the gradient of an input leaf.
// SPDX-License-Identifier: BSL-1.0
// expect-error: static.assert(ion)? failed.*tapeless: grad: this leaf is an input
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<double> x(2, 2), w(2, 2);
    auto X = tl::input<"x">(x);
    auto W = tl::param<"w">(w);
    auto loss = tl::sum(tl::matmul(X, W));
#ifdef TAPELESS_SHOULD_FAIL
    auto step = tl::compile(loss, X);
#else
    auto step = tl::compile(loss, W);
#endif
    step();
    return 0;
}
