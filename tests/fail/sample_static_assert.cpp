//! @file Sample compile-fail case: shows the mechanism with a plain `static_assert`.
// SPDX-License-Identifier: BSL-1.0
//
// Built twice by tests/fail/CMakeLists.txt: without TAPELESS_SHOULD_FAIL it must compile; with it,
// it must not, and the first compiler error must match the regex below.
// expect-error: static.assert(ion)? failed.*tapeless sample: extents differ

#include <cstddef>

template <std::size_t A, std::size_t B>
constexpr bool same_extent() {
    static_assert(A == B, "tapeless sample: extents differ");
    return true;
}

int main() {
#ifdef TAPELESS_SHOULD_FAIL
    return same_extent<2, 3>() ? 0 : 1;
#else
    return same_extent<3, 3>() ? 0 : 1;
#endif
}
