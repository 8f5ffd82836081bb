//! @file Compile-fail case: an expression mixing float and double leaves.
// SPDX-License-Identifier: BSL-1.0
// expect-error: static.assert(ion)? failed.*tapeless: an expression mixes float and double leaves
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<float> a(2, 2);
#ifdef TAPELESS_SHOULD_FAIL
    tl::Tensor<double> b(2, 2);
#else
    tl::Tensor<float> b(2, 2);
#endif
    auto e = tl::input<"a">(a) * tl::input<"b">(b);
    return sizeof(typename decltype(e)::value_type) == 4 ? 0 : 1;
}
