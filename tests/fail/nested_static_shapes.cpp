//! @file Compile-fail case: a static shape mismatch deep inside a loss. The first error names the
//! inner matmul and its shapes, not the loss around it.
// SPDX-License-Identifier: BSL-1.0
// expect-error: shape_mismatch_in<tapeless::op::matmul, (tapeless::shape)?\{64, 50\}, (tapeless::shape)?\{51, 10\}>
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<float, 64, 784> x;
    tl::Tensor<float, 64, 1> y;
    tl::Tensor<float, 784, 50> w1;
#ifdef TAPELESS_SHOULD_FAIL
    tl::Tensor<float, 51, 10> w2;
#else
    tl::Tensor<float, 50, 10> w2;
#endif
    auto loss = tl::cross_entropy(
        tl::matmul(tl::relu(tl::matmul(tl::input<"x">(x), tl::param<"w1">(w1))), tl::param<"w2">(w2)),
        tl::input<"y">(y));
    return int(decltype(loss)::static_shape.rows) - 1;
}
