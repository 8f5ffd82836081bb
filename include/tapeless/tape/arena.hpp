//! @file Defines `tapeless::tape::arena`, the bump allocator that recycles a tape's buffers across steps.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TAPE_ARENA_HPP
#define TAPELESS_TAPE_ARENA_HPP

#include "../config.hpp"
#include "../tensor/storage.hpp"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace tapeless::tape {

//! Aligned bump allocation from chunks that never move, so every pointer handed out stays valid
//! until `reset()`. A step that outgrows the current chunk chains another; `reset()` then replaces
//! all chunks by one that holds the whole step, so from the second step of a fixed-shape loop on,
//! recording allocates nothing (per-step heap temporaries are slow on glibc, which returns large
//! freed blocks to the OS and faults them in again: docs/architecture.md).
class arena {
public:
    static constexpr std::size_t alignment = TAPELESS_CONFIG_ALIGNMENT;
    static constexpr std::size_t min_chunk = std::size_t{64} << 10;

    arena() = default;
    arena(arena const&) = delete;
    arena& operator=(arena const&) = delete;

    //! Uninitialised room for `n` elements of `T`, aligned to a cache line; size rounded up to whole
    //! lines, so vector loops never share a line between two buffers.
    template <class T>
    [[nodiscard]] T* allocate(std::size_t n) {
        std::size_t bytes = (n * sizeof(T) + alignment - 1) / alignment * alignment;
        if (bytes == 0) bytes = alignment;
        if (chunks_.empty() || used_ + bytes > chunks_.back().size) grow(bytes);
        std::byte* p = chunks_.back().data.get() + used_;
        used_ += bytes;
        step_bytes_ += bytes;
        return std::launder(reinterpret_cast<T*>(p));
    }

    //! Forgets every allocation; keeps (and if the step spilled, consolidates) the storage.
    void reset() {
        high_water_ = std::max(high_water_, step_bytes_);
        if (chunks_.size() > 1) {
            chunks_.clear(); // capacity of the vector is kept: no allocation below but the chunk
            chunks_.push_back(make_chunk(high_water_));
        }
        used_ = 0;
        step_bytes_ = 0;
    }

    //! Makes sure a step of up to `bytes` fits in one chunk (now if nothing is allocated, else
    //! from the next reset on).
    void reserve(std::size_t bytes) {
        high_water_ = std::max(high_water_, bytes);
        if (step_bytes_ == 0 && capacity() < bytes) {
            chunks_.clear();
            chunks_.push_back(make_chunk(bytes));
            used_ = 0;
        }
    }

    //! Bytes of storage held.
    [[nodiscard]] std::size_t capacity() const {
        std::size_t s = 0;
        for (auto const& c : chunks_) s += c.size;
        return s;
    }
    //! Bytes handed out since the last reset.
    [[nodiscard]] std::size_t used() const { return step_bytes_; }

private:
    struct chunk {
        std::unique_ptr<std::byte[], tapeless::detail::aligned_delete> data;
        std::size_t size;
    };

    static chunk make_chunk(std::size_t bytes) {
        bytes = (std::max(bytes, min_chunk) + alignment - 1) / alignment * alignment;
        // Not zeroed: every buffer is written before it is read.
        auto* p = static_cast<std::byte*>(::operator new(bytes, std::align_val_t{alignment}));
        return {std::unique_ptr<std::byte[], tapeless::detail::aligned_delete>(p), bytes};
    }

    void grow(std::size_t bytes) {
        std::size_t const last = chunks_.empty() ? 0 : chunks_.back().size;
        if (chunks_.empty()) chunks_.reserve(8);
        chunks_.push_back(make_chunk(std::max(bytes, 2 * last)));
        used_ = 0;
    }

    std::vector<chunk> chunks_;
    std::size_t used_ = 0;       // in the last chunk
    std::size_t step_bytes_ = 0; // over all chunks since reset
    std::size_t high_water_ = 0;
};

} // namespace tapeless::tape

#endif
