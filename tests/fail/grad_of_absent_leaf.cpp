//! @file Compile-fail case: asking for the gradient of a leaf the expression does not contain.
// SPDX-License-Identifier: BSL-1.0
// expect-error: static.assert(ion)? failed.*tapeless: grad: this leaf does not appear in the expression
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<double> x(2, 2), w(2, 2), v(2, 2);
    auto X = tl::input<"x">(x);
    auto W = tl::param<"w">(w);
    [[maybe_unused]] auto V = tl::param<"v">(v);
    auto loss = tl::sum(tl::matmul(X, W));
#ifdef TAPELESS_SHOULD_FAIL
    auto [value, g] = tl::value_and_grad(loss, V);
#else
    auto [value, g] = tl::value_and_grad(loss, W);
#endif
    return int(value + g(0, 0)) * 0;
}
