//! @file Defines aligned owning storage for tensors and workspaces.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TENSOR_STORAGE_HPP
#define TAPELESS_TENSOR_STORAGE_HPP

#include "../config.hpp"

#include <cstddef>
#include <limits>
#include <memory>
#include <new>

namespace tapeless::detail {

struct aligned_delete {
    void operator()(void* p) const noexcept {
        ::operator delete(p, std::align_val_t{TAPELESS_CONFIG_ALIGNMENT});
    }
};

template <class T>
using aligned_ptr = std::unique_ptr<T[], aligned_delete>;

//! `n` zero-initialised elements at a TAPELESS_CONFIG_ALIGNMENT boundary; size rounded up to whole
//! cache lines so vector loops may read a full line past the last element without faulting.
template <class T>
aligned_ptr<T> allocate_aligned(std::size_t n) {
    constexpr std::size_t a = TAPELESS_CONFIG_ALIGNMENT;
    if (n > (std::numeric_limits<std::size_t>::max() - a) / sizeof(T)) throw std::bad_array_new_length();
    std::size_t bytes = (n * sizeof(T) + a - 1) / a * a;
    if (bytes == 0) bytes = a;
    auto* p = static_cast<T*>(::operator new(bytes, std::align_val_t{a}));
    for (std::size_t i = 0; i < bytes / sizeof(T); ++i) p[i] = T{};
    return aligned_ptr<T>(p);
}

} // namespace tapeless::detail

#endif
