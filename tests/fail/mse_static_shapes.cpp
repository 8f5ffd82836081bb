//! @file Compile-fail case: mse of a 7x3 prediction against a 7x2 target.
// SPDX-License-Identifier: BSL-1.0
// expect-error: call_shape_mismatch<tapeless::call::mse, (tapeless::shape)?\{7, 3\}, (tapeless::shape)?\{7, 2\}>
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<double, 7, 3> p;
#ifdef TAPELESS_SHOULD_FAIL
    tl::Tensor<double, 7, 2> y;
#else
    tl::Tensor<double, 7, 3> y;
#endif
    auto loss = tl::mse(tl::param<"pred">(p), tl::input<"y">(y));
    return int(decltype(loss)::static_shape.cols) - 1;
}
