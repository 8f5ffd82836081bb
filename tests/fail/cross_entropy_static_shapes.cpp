//! @file Compile-fail case: cross_entropy with 6 labels for 7 rows of logits.
// SPDX-License-Identifier: BSL-1.0
// expect-error: call_shape_mismatch<tapeless::call::cross_entropy, (tapeless::shape)?\{7, 3\}, (tapeless::shape)?\{6, 1\}>
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<float, 7, 3> logits;
#ifdef TAPELESS_SHOULD_FAIL
    tl::Tensor<float, 6, 1> labels;
#else
    tl::Tensor<float, 7, 1> labels;
#endif
    auto loss = tl::cross_entropy(tl::param<"logits">(logits), tl::input<"labels">(labels));
    return int(decltype(loss)::static_shape.cols) - 1;
}
