//! @file Defines `gemm_kernel`: one matrix product of a plan on the GEMM interface, whole or cut into
//! blocks along rows, columns or the inner extent.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_GEMM_KERNEL_HPP
#define TAPELESS_EVAL_GEMM_KERNEL_HPP

#include "../config.hpp"
#include "../exec/partition.hpp"
#include "../linalg/gemm.hpp"
#include "../plan/specs.hpp"
#include "bound_state.hpp"

#include <cstddef>

namespace tapeless::detail {

template <class T, gemm_spec S>
struct gemm_kernel {
    //! The backend of the whole product, fixed at bind, so every block runs on the same one.
    static unsigned choose(node_refs<T> const& r) {
        shape sc = r.shapes[0], sa = r.shapes[1];
        return static_cast<unsigned>(choose_gemm_backend(sc.rows, sc.cols, S.ta ? sa.rows : sa.cols));
    }

    static void run(node_refs<T> const& r, unsigned variant) {
        shape sc = r.shapes[0], sa = r.shapes[1], sb = r.shapes[2];
        std::size_t k = S.ta ? sa.rows : sa.cols;
        gemm<T>(gemm_backend(variant), S.ta, S.tb, sc.rows, sc.cols, k, T(1), r.ptrs[1], sa.cols, r.ptrs[2], sb.cols,
                T(0), r.ptrs[0], sc.cols);
    }

    //! Products whose inner extent k dominates (xᵀ·d_z: k is the batch) are split along k, in
    //! slices of at least 256: each block reads its own rows of both operands once and sums into a
    //! partial C, and the partials are added in block order. Others are split along the longer side
    //! of C, in multiples of 16: every element of C is then still one sum over all of k (row
    //! blocks on the portable narrow path share one packing of op(B)). At most 8 blocks of at
    //! least 2^24 flops: each costs a partial C to add, or a packing of the shared operand.
    static exec::partition split(node_refs<T> const& r) {
        shape sc = r.shapes[0], sa = r.shapes[1];
        std::size_t k = S.ta ? sa.rows : sa.cols;
        double work = 2.0 * double(sc.size()) * double(k) + 4.0 * double(sc.size());
        constexpr double min_work = 256 * exec::min_block_work;
        using axis = exec::partition::axis;
        if (k >= sc.rows && k >= sc.cols) {
            exec::partition p = exec::split_extent(work, k, 16, min_work, 8, 256);
            p.along = axis::depth;
            constexpr std::size_t line = TAPELESS_CONFIG_ALIGNMENT / sizeof(T);
            p.stride = (sc.size() + line - 1) / line * line;
            return p;
        }
        bool cols = sc.cols > sc.rows;
        exec::partition p = exec::split_extent(work, cols ? sc.cols : sc.rows, 16, min_work, 8);
        p.along = cols ? axis::columns : axis::rows;
        if (p.along == axis::rows && p.blocks > 1 && gemm_backend(choose(r)) == gemm_backend::portable)
            p.shared = backend::portable::packed_b_size<T>(p.extent, sc.cols, k);
        return p;
    }

    //! Row blocks on the portable narrow path share one packing of op(B), made here.
    static void prepare(node_refs<T> const& r, unsigned, exec::partition const& p, T* scratch) {
        if (p.shared == 0) return;
        shape sc = r.shapes[0], sa = r.shapes[1], sb = r.shapes[2];
        backend::portable::pack_narrow_b<T>(S.tb, sc.cols, S.ta ? sa.rows : sa.cols, r.ptrs[2], sb.cols,
                                            scratch + p.scratch + p.blocks * p.stride);
    }

    static void run_block(node_refs<T> const& r, unsigned variant, exec::partition const& p, std::size_t b,
                          T* scratch) {
        using axis = exec::partition::axis;
        gemm_backend const on = gemm_backend(variant);
        shape sc = r.shapes[0], sa = r.shapes[1], sb = r.shapes[2];
        std::size_t k = S.ta ? sa.rows : sa.cols;
        std::size_t const e = p.along == axis::rows ? sc.rows : p.along == axis::columns ? sc.cols : k;
        std::size_t const first = b * p.extent, n = e - first < p.extent ? e - first : p.extent;
        T const* a = r.ptrs[1];
        T const* bm = r.ptrs[2];
        T* c = r.ptrs[0];
        switch (p.along) {
        case axis::rows:
            a += S.ta ? first : first * sa.cols;
            if (p.shared) {
                backend::portable::gemm_prepacked_b<T>(S.ta, n, sc.cols, k, T(1), a, sa.cols,
                                                       scratch + p.scratch + p.blocks * p.stride,
                                                       c + first * sc.cols, sc.cols);
                return;
            }
            gemm<T>(on, S.ta, S.tb, n, sc.cols, k, T(1), a, sa.cols, bm, sb.cols, T(0), c + first * sc.cols, sc.cols);
            return;
        case axis::columns:
            bm += S.tb ? first * sb.cols : first;
            gemm<T>(on, S.ta, S.tb, sc.rows, n, k, T(1), a, sa.cols, bm, sb.cols, T(0), c + first, sc.cols);
            return;
        case axis::depth:
            // Block 0 writes C itself; the others a partial each, added by `finish`.
            a += S.ta ? first * sa.cols : first;
            bm += S.tb ? first : first * sb.cols;
            if (b != 0) c = scratch + p.scratch + b * p.stride;
            gemm<T>(on, S.ta, S.tb, sc.rows, sc.cols, n, T(1), a, sa.cols, bm, sb.cols, T(0), c, sc.cols);
            return;
        }
    }

    //! Adds the depth blocks' partials into slice `s` of C (one of `p.blocks` equal slices), in
    //! block order: every element sums the same partials in the same order whoever runs it.
    static constexpr bool finish_in_blocks = true;
    static void finish_block(node_refs<T> const& r, exec::partition const& p, std::size_t s, T const* scratch) {
        if (p.along != exec::partition::axis::depth) return;
        std::size_t const n = r.shapes[0].size(), per = (n + p.blocks - 1) / p.blocks;
        std::size_t const first = s * per, last = first + per < n ? first + per : n;
        T* c = r.ptrs[0];
        for (std::size_t b = 1; b < p.blocks; ++b) {
            T const* partial = scratch + p.scratch + b * p.stride;
            for (std::size_t e = first; e < last; ++e) c[e] += partial[e];
        }
    }
};

} // namespace tapeless::detail

#endif
