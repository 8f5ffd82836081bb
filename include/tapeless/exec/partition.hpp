//! @file Defines how a kernel is cut into blocks: fixed by its shapes alone, never by threads.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXEC_PARTITION_HPP
#define TAPELESS_EXEC_PARTITION_HPP

#include <cstddef>

namespace tapeless::exec {

//! A kernel's blocks, chosen when a step is bound. Blocks depend on the bound shapes only, and
//! partial reductions are combined in block order, so a step computes the same bits on 1, 2 or
//! 64 threads: threads only decide who runs which block.
struct partition {
    //! What a block covers: rows of the domain (loops) or of C, columns of C, or a slice of a
    //! product's inner extent k (each block a partial C, summed in block order).
    enum class axis : unsigned char { rows, columns, depth };
    std::size_t blocks = 1;   // 1: the kernel runs whole, as one call
    std::size_t extent = 0;   // rows, columns or k per block
    axis along = axis::rows;
    std::size_t stride = 0;   // partial-result elements per block (reductions across blocks)
    std::size_t shared = 0;   // elements every block reads, made once before them (a packed operand)
    std::size_t scratch = 0;  // where the partials, then the shared part, start in the step's scratch
    std::size_t own = 0;      // elements each block works in (a custom kernel's rows of scores), after those
    [[nodiscard]] constexpr std::size_t scratch_size() const {
        return (blocks > 1 ? blocks * stride + shared : 0) + blocks * own;
    }
};

//! Cost below which a block is not worth a thread: one pool hand-off costs about a microsecond,
//! so a block should take tens of them. Units are flops (products) or element-operations (loops).
inline constexpr double min_block_work = double(1u << 16);

//! Splits `extent` rows (or columns) carrying `work` into at most `max_blocks` blocks (a power of
//! two, so 2, 4 or 8 threads share them evenly) of whole `align` multiples, each with at least
//! `min_work` of work and `min_extent` of the extent. Returns the partition with `blocks` and
//! `extent` set.
constexpr partition split_extent(double work, std::size_t extent, std::size_t align, double min_work,
                                 std::size_t max_blocks, std::size_t min_extent = 1) {
    if (min_extent < align) min_extent = align;
    std::size_t b = 1;
    while (b < max_blocks && work / double(2 * b) >= min_work && extent >= 2 * b * min_extent) b *= 2;
    partition p;
    std::size_t per = (extent + b - 1) / b;
    per = (per + align - 1) / align * align;
    p.extent = per ? per : 1;
    p.blocks = per ? (extent + per - 1) / per : 1;
    return p;
}

} // namespace tapeless::exec

#endif
