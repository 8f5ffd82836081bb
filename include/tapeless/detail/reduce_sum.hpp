//! @file Defines `reduce_sum`: a sum in eight lanes, in a fixed order, that vectorises.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_DETAIL_REDUCE_SUM_HPP
#define TAPELESS_DETAIL_REDUCE_SUM_HPP

#include "../config.hpp"

#include <cstddef>

namespace tapeless::detail {

//! Σ f(k) for k < n in eight partial sums: the loop vectorises without -ffast-math (a single
//! accumulator is a serial dependency chain that strict IEEE semantics forbid the compiler to
//! reorder), and the order is fixed by n alone, so every caller gets the same bits.
template <class T, class F>
TAPELESS_ALWAYS_INLINE T reduce_sum(std::size_t n, F f) {
    T acc[8] = {};
    std::size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (std::size_t l = 0; l < 8; ++l) acc[l] += f(k + l);
    for (; k < n; ++k) acc[0] += f(k);
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

} // namespace tapeless::detail

#endif
