//! @file Compile-fail case: two different leaves (here a static and a runtime-extent tensor) under one name.
// SPDX-License-Identifier: BSL-1.0
// expect-error: static.assert(ion)? failed.*tapeless: two different leaves share one name
#include <tapeless/tapeless.hpp>

namespace tl = tapeless;

int main() {
    tl::Tensor<double, 2, 2> a;
    tl::Tensor<double> b(2, 2);
#ifdef TAPELESS_SHOULD_FAIL
    auto loss = tl::sum(tl::param<"w">(a) + tl::param<"w">(b));
#else
    auto loss = tl::sum(tl::param<"w">(a) + tl::param<"v">(b));
#endif
    auto step = tl::compile(loss);
    step();
    return 0;
}
