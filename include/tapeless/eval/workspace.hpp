//! @file Defines the workspace layout: one aligned block, buffers placed by lifetime.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_WORKSPACE_HPP
#define TAPELESS_EVAL_WORKSPACE_HPP

#include "../config.hpp"
#include "../tensor/storage.hpp"

#include <array>
#include <cstddef>

namespace tapeless::detail {

//! Offsets (in elements) for buffers live over kernel ranges [first, last], first-fit: a buffer
//! reuses space whose previous owner's last reader ran before this buffer's first writer. A buffer
//! read and written in one kernel never overlaps another live there (inclusive ranges). Returns the
//! total size. Runs once per bind, so O(n²) is fine.
template <class T, std::size_t N>
std::size_t place_buffers(std::array<std::size_t, N> const& size, std::array<bool, N> const& wanted,
                          std::array<std::size_t, N> const& first, std::array<std::size_t, N> const& last,
                          std::array<std::size_t, N>& offset) {
    constexpr std::size_t line = TAPELESS_CONFIG_ALIGNMENT / sizeof(T);
    auto padded = [](std::size_t n) { return (n + line - 1) / line * line; };
    std::size_t total = 0;
    std::array<bool, N> placed{};
    for (std::size_t i = 0; i < N; ++i) {
        if (!wanted[i]) continue;
        std::size_t off = 0;
        for (bool moved = true; moved;) {
            moved = false;
            for (std::size_t j = 0; j < N; ++j) {
                if (!placed[j] || last[j] < first[i] || last[i] < first[j]) continue;
                if (off < offset[j] + padded(size[j]) && offset[j] < off + padded(size[i])) {
                    off = offset[j] + padded(size[j]);
                    moved = true;
                }
            }
        }
        offset[i] = off;
        placed[i] = true;
        if (off + padded(size[i]) > total) total = off + padded(size[i]);
    }
    return total;
}

//! Memory several steps share for buffers none of them keeps between its kernels' phases (a
//! `repeat`'s layers: each layer's forward temporaries are dead before the next layer runs, and
//! likewise backward). It only grows; whoever grows it rebases every step placed in it.
template <class T>
struct shared_region {
    aligned_ptr<T> data;
    std::size_t capacity = 0;
};

} // namespace tapeless::detail

#endif
