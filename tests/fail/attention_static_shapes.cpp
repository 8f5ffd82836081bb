//! @file Compile-fail case: attention over sequences of 16 rows on 40 rows (not whole sequences).
// SPDX-License-Identifier: BSL-1.0
// expect-error: call_shape_mismatch<tapeless::call::attention, (tapeless::shape)?\{40, 32\}, (tapeless::shape)?\{40, 32\}, (tapeless::shape)?\{40, 32\}>
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

constexpr tl::attention_options causal{.seq = 16, .heads = 4, .causal = true};

int main() {
#ifdef TAPELESS_SHOULD_FAIL
    tl::Tensor<float, 40, 32> x;
#else
    tl::Tensor<float, 48, 32> x;
#endif
    auto X = tl::input<"x">(x);
    auto y = tl::attention<causal>(X, X, X);
    return int(decltype(y)::static_shape.cols) - 32;
}
