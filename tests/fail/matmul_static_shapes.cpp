//! @file Compile-fail case: a matmul of static 3x4 by 5x6: the first error names the op and both shapes.
// SPDX-License-Identifier: BSL-1.0
// expect-error: shape_mismatch_in<tapeless::op::matmul, (tapeless::shape)?\{3, 4\}, (tapeless::shape)?\{5, 6\}>
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<float, 3, 4> a;
#ifdef TAPELESS_SHOULD_FAIL
    tl::Tensor<float, 5, 6> b;
#else
    tl::Tensor<float, 4, 6> b;
#endif
    auto c = tl::matmul(tl::input<"a">(a), tl::input<"b">(b));
    return int(decltype(c)::static_shape.rows) - 3;
}
