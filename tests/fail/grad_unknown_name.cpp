//! @file Compile-fail case: the gradient of a name no differentiated leaf has.
// SPDX-License-Identifier: BSL-1.0
// expect-error: no_gradient_named<'w', '9'>
#include <tapeless/params.hpp>
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<double> x(2, 2), w(2, 2);
    auto X = tl::input<"x">(x);
    auto W = tl::param<"w">(w);
    auto step = tl::compile(tl::sum(tl::matmul(X, W)), tl::parameters(W));
    step();
#ifdef TAPELESS_SHOULD_FAIL
    auto g = step.grad<"w9">();
#else
    auto g = step.grad<"w">();
#endif
    return int(g(0, 0)) * 0;
}
