//! @file Compile-fail case: a layer norm whose gain is narrower than the rows it scales (64 columns, a 1x60 gain).
// SPDX-License-Identifier: BSL-1.0
// expect-error: call_shape_mismatch<tapeless::call::layer_norm, (tapeless::shape)?\{32, 64\}, (tapeless::shape)?\{1, 60\}, (tapeless::shape)?\{1, 64\}>
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<float, 32, 64> x;
#ifdef TAPELESS_SHOULD_FAIL
    tl::Tensor<float, 1, 60> g;
#else
    tl::Tensor<float, 1, 64> g;
#endif
    tl::Tensor<float, 1, 64> b;
    auto h = tl::layer_norm(tl::input<"x">(x), tl::param<"g">(g), tl::param<"b">(b));
    return int(decltype(h)::static_shape.cols) - 64;
}
