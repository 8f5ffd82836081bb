//! @file Compile-fail case: two leaves of one name in a parameter set.
// SPDX-License-Identifier: BSL-1.0
// expect-error: static.assert(ion)? failed.*tapeless: parameters: two leaves share one name
#include <tapeless/params.hpp>
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<double> x(2, 2), w(2, 2), v(2, 2);
    auto X = tl::input<"x">(x);
    auto W = tl::param<"w">(w);
#ifdef TAPELESS_SHOULD_FAIL
    auto V = tl::param<"w">(v);
#else
    auto V = tl::param<"v">(v);
#endif
    auto step = tl::compile(tl::sum(tl::matmul(X, W) + tl::matmul(X, V)), tl::parameters(W, V));
    step();
    return int(step.value()) * 0;
}
