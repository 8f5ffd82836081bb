//! @file Defines `philox4x32_10`: the counter-based generator Philox4x32-10 (Salmon, Moraes, Dror and
//! Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011), the stream of `dropout`'s masks.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_DETAIL_PHILOX_HPP
#define TAPELESS_DETAIL_PHILOX_HPP

#include "../config.hpp"

#include <array>
#include <cstdint>

namespace tapeless::detail {

//! Four 32-bit words, a pure function of a 128-bit counter and a 64-bit key: any element's random
//! number is computed on its own, in any order, on any thread. Ten rounds, the published
//! multipliers and Weyl key increments (checked against Random123's philox4x32 in the tests).
TAPELESS_ALWAYS_INLINE constexpr std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> c,
                                                                         std::array<std::uint32_t, 2> k) {
    constexpr std::uint64_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
    for (int round = 0; round < 10; ++round) {
        if (round > 0) {
            k[0] += 0x9E3779B9u;
            k[1] += 0xBB67AE85u;
        }
        std::uint64_t const p0 = m0 * c[0], p1 = m1 * c[2];
        c = {static_cast<std::uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<std::uint32_t>(p1),
             static_cast<std::uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<std::uint32_t>(p0)};
    }
    return c;
}

} // namespace tapeless::detail

#endif
