//! @file Defines `custom_kernel<T, Op>`: a custom op's own kernel (`op_kind::custom`) in a plan,
//! whole or cut into blocks of the value's rows.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_CUSTOM_KERNEL_HPP
#define TAPELESS_EVAL_CUSTOM_KERNEL_HPP

#include "../exec/partition.hpp"
#include "../ops/custom.hpp"
#include "bound_state.hpp"

#include <cstddef>

namespace tapeless::detail {

template <class T, class Op>
struct custom_kernel {
    // refs: the value, then one per argument slot (see `make_refs`).
    static custom_view<T> view(node_refs<T> const& r) {
        custom_view<T> v;
        v.y = r.ptrs[0];
        v.ys = r.shapes[0];
        for (std::size_t k = 0; k < max_arity; ++k) {
            v.x[k] = r.ptrs[1 + k];
            v.xs[k] = r.shapes[1 + k];
            v.s[k] = r.imms[1 + k];
        }
        if (r.nodes)
            for (std::size_t k = 0; k <= max_arity; ++k) v.node[k] = r.nodes[k];
        if (r.stream) v.stream = *r.stream;
        return v;
    }

    static unsigned choose(node_refs<T> const&) { return 0; }

    static constexpr bool has_work = requires(custom_view<T> const& v) { Op::work(v); };
    //! A kernel with scratch runs its single block through `run_block`, which is given it.
    static constexpr bool whole_needs_scratch = has_work;

    //! Blocks of whole row groups (`Op::row_group`, else single rows), at least
    //! `exec::min_block_work` of `Op::cost` per element each, and each block's scratch.
    static exec::partition split(node_refs<T> const& r) {
        shape const s = r.shapes[0];
        custom_view<T> const v = view(r);
        std::size_t group = 1;
        if constexpr (requires { Op::row_group(v); }) group = Op::row_group(v);
        double const work = double(Op::cost) * double(s.size());
        exec::partition p = exec::split_extent(work, s.rows, group ? group : 1, exec::min_block_work, 32);
        p.along = exec::partition::axis::rows;
        if constexpr (has_work) p.own = Op::work(v);
        return p;
    }

    static void run(node_refs<T> const& r, unsigned) { Op::template run<T>(view(r), 0, r.shapes[0].rows); }

    static void prepare(node_refs<T> const&, unsigned, exec::partition const&, T*) {}

    static void run_block(node_refs<T> const& r, unsigned, exec::partition const& p, std::size_t b, T* scratch) {
        std::size_t const rows = r.shapes[0].rows, first = b * p.extent;
        std::size_t const last = rows - first < p.extent ? rows : first + p.extent;
        custom_view<T> v = view(r);
        if constexpr (has_work) v.work = scratch + p.scratch + (p.blocks > 1 ? p.blocks * p.stride + p.shared : 0) + b * p.own;
        Op::template run<T>(v, first, last);
    }

    static void finish(node_refs<T> const&, exec::partition const&, T const*) {}
};

} // namespace tapeless::detail

#endif
