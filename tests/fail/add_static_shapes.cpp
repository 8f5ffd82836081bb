//! @file Compile-fail case: an elementwise add of static 4x5 and 3x5, which no broadcast can reconcile.
// SPDX-License-Identifier: BSL-1.0
// expect-error: shape_mismatch_in<tapeless::op::add, (tapeless::shape)?\{4, 5\}, (tapeless::shape)?\{3, 5\}>
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<double, 4, 5> a;
#ifdef TAPELESS_SHOULD_FAIL
    tl::Tensor<double, 3, 5> b;
#else
    tl::Tensor<double, 1, 5> b;
#endif
    auto c = tl::input<"a">(a) + tl::input<"b">(b);
    return int(decltype(c)::static_shape.rows) - 4;
}
