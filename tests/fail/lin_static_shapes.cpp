//! @file Compile-fail case: the seed's first layer with a weight of the wrong height (784 inputs, 748-row weight).
// SPDX-License-Identifier: BSL-1.0
// expect-error: call_shape_mismatch<tapeless::call::lin, (tapeless::shape)?\{64, 784\}, (tapeless::shape)?\{748, 50\}, (tapeless::shape)?\{1, 50\}>
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<float, 64, 784> x;
#ifdef TAPELESS_SHOULD_FAIL
    tl::Tensor<float, 748, 50> w;
#else
    tl::Tensor<float, 784, 50> w;
#endif
    tl::Tensor<float, 1, 50> b;
    auto h = tl::relu(tl::lin(tl::input<"x">(x), tl::param<"w">(w), tl::param<"b">(b)));
    return int(decltype(h)::static_shape.cols) - 50;
}
