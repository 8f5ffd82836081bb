//! @file Compile-fail case: asking for the gradient with respect to an expression that is not a leaf.
// SPDX-License-Identifier: BSL-1.0
// expect-error: static.assert(ion)? failed.*tapeless: grad: differentiate with respect to a leaf
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<double> x(2, 2), w(2, 2);
    auto X = tl::input<"x">(x);
    auto W = tl::param<"w">(w);
    auto h = tl::matmul(X, W);
    auto loss = tl::sum(h);
#ifdef TAPELESS_SHOULD_FAIL
    auto step = tl::compile(loss, h);
#else
    auto step = tl::compile(loss, W);
#endif
    step();
    return 0;
}
