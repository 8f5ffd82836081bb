//! @file Compile-fail case: asking for gradients of a loss that is not 1 x 1.
// SPDX-License-Identifier: BSL-1.0
// expect-error: static.assert(ion)? failed.*tapeless: grad: the loss must be 1 x 1
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<double, 2, 3> x;
    tl::Tensor<double, 3, 4> w;
    auto X = tl::input<"x">(x);
    auto W = tl::param<"w">(w);
#ifdef TAPELESS_SHOULD_FAIL
    auto loss = tl::relu(tl::matmul(X, W));
#else
    auto loss = tl::sum(tl::relu(tl::matmul(X, W)));
#endif
    auto step = tl::compile(loss, W);
    step();
    return 0;
}
