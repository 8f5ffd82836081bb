//! @file Defines the set-up side of a fused loop (`loop_kernel`): its domain, strides, variant,
//! blocks, reductions' starting values and the combining of partial results. This code reads the
//! kernel's spec through a `loop_desc` at run time, so it is compiled once per element type, not
//! once per kernel: only the element loop itself is specialised on the spec.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_LOOP_SETUP_HPP
#define TAPELESS_EVAL_LOOP_SETUP_HPP

#include "../config.hpp"
#include "../exec/partition.hpp"
#include "../plan/specs.hpp"
#include "bound_state.hpp"

#include <cstddef>

// Before this split every kernel compiled its own copy of this code (a function per closure entry
// and per member, each with its lambdas), and a random-graph test file defined ~45 functions per
// loop kernel at -O0; the loop alone needs about half of them.

namespace tapeless::detail {

// A whole-domain run (the tiny steps' case) inlines the set-up into its kernel when optimising, so
// the constant spec folds it to the few stores it needs; split runs and -O0 builds share one copy.
#if defined(__OPTIMIZE__)
#define TAPELESS_LOOP_SETUP TAPELESS_ALWAYS_INLINE
#else
#define TAPELESS_LOOP_SETUP inline
#endif

// Loop variants: `flat` runs the domain as one contiguous run (every operand full-sized);
// `unit` keeps rows but every operand is contiguous along them; `general` also broadcasts
// columns. Chosen once at bind time; the loops themselves carry no per-element branches.
// A member reduced into a smaller buffer (sum_to, sum_cols, ...) always starts from its identity
// and accumulates, even where its buffer turns out as large as the domain at run time (then the
// reduction is a copy): one loop per variant instead of one per subset of such members (a
// kernel with three of them compiled eight times over).
enum loop_variant : unsigned { flat = 0, unit = 1, general = 2 };

//! A loop kernel's spec as its set-up code reads it, with what that code needs of its ops: each
//! reduction's starting value and its combining function (null for stored members).
template <class T>
struct loop_desc {
    entry_spec const* closure;
    std::size_t nc;
    member_spec const* members;
    std::size_t nm;
    shape static_domain;
    T const* identities;
    T (*const* combiners)(T, T);

    constexpr loop_refs at() const { return {nc, nm}; }
};

//! The combining function of reducing op Op, by address (one per op and element type).
template <class Op, class T>
T combine_with(T a, T b) {
    return Op::combine(a, b);
}

//! A kernel's frame as the set-up code writes it: per closure entry its base pointer, row and
//! column strides and immediate; per member its output, strides, whether it is stored in full, and
//! its accumulator.
template <class T>
struct frame_ref {
    T const** base;
    std::size_t *rs, *cs;
    T* immv;
    T** out;
    std::size_t *ors, *ocs;
    bool* store;
    T* acc;
};

// Strides that read an r x c buffer broadcast over the domain.
constexpr void broadcast_strides(shape b, shape d, std::size_t& rs, std::size_t& cs) {
    rs = b.rows == d.rows ? b.cols : 0;
    cs = b.cols == d.cols ? 1 : 0;
}

template <class T>
TAPELESS_LOOP_SETUP shape loop_domain(loop_desc<T> const& k, node_refs<T> const& r) {
    return k.static_domain.is_static() ? k.static_domain : r.shapes[loop_refs::domain];
}

//! Closure entry c's base and strides over domain d (base null and strides 0 where it loads
//! nothing), and its immediate value.
template <class T>
TAPELESS_LOOP_SETUP void entry_setup(loop_desc<T> const& k, node_refs<T> const& r, shape d, std::size_t c, T const*& base,
                 std::size_t& rs, std::size_t& cs, T& imm) {
    entry_spec const& e = k.closure[c];
    std::size_t const n = k.at().node(c);
    base = nullptr;
    rs = cs = 0;
    imm = T{};
    switch (e.role) {
    case entry_role::load:
        base = r.ptrs[n];
        broadcast_strides(r.shapes[n], d, rs, cs);
        return;
    case entry_role::load_transposed: {
        // y_ij = x_ji: x's row stride moves with j, its unit stride with i.
        shape const y = r.shapes[k.at().shape_node(c)];
        base = r.ptrs[n];
        rs = y.rows == d.rows ? 1 : 0;
        cs = y.cols == d.cols ? r.shapes[n].cols : 0;
        return;
    }
    case entry_role::unit_load: imm = r.ptrs[n][0]; return;
    case entry_role::immediate: imm = r.imms[n]; return;
    default:
        if (e.indexes_columns) broadcast_strides(r.shapes[n], d, rs, cs);
    }
}

//! Fills a frame for domain d: every entry, then every member's output and strides.
template <class T>
TAPELESS_LOOP_SETUP void loop_prepare(loop_desc<T> const& k, node_refs<T> const& r, shape d, frame_ref<T> f) {
    for (std::size_t c = 0; c < k.nc; ++c) entry_setup(k, r, d, c, f.base[c], f.rs[c], f.cs[c], f.immv[c]);
    for (std::size_t m = 0; m < k.nm; ++m) {
        std::size_t const i = k.at().member(m);
        f.out[m] = r.ptrs[i];
        broadcast_strides(r.shapes[i], d, f.ors[m], f.ocs[m]);
        f.store[m] = r.shapes[i] == d;
    }
}

//! Picks the variant for the bound shapes: see `loop_variant`.
template <class T>
unsigned loop_choose(loop_desc<T> const& k, node_refs<T> const& r) {
    shape const d = loop_domain(k, r);
    bool full = true, contiguous = true;
    for (std::size_t c = 0; c < k.nc; ++c) {
        entry_spec const& e = k.closure[c];
        T const* base;
        std::size_t rs, cs;
        T imm;
        entry_setup(k, r, d, c, base, rs, cs, imm);
        if (e.one_per_row) {
            full = false; // read at i, not at the flat index
        } else if (e.role == entry_role::load || e.role == entry_role::load_transposed) {
            full = full && rs == d.cols && cs == 1;
            contiguous = contiguous && cs == 1;
        }
        if (e.indexes_columns) full = false; // needs the true j
    }
    for (std::size_t m = 0; m < k.nm; ++m) {
        member_spec const& ms = k.members[m];
        if (ms.is_sum) continue;
        if (ms.per_row) {
            full = false; // stored once per row
            continue;
        }
        shape const o = r.shapes[k.at().member(m)];
        std::size_t ors, ocs;
        broadcast_strides(o, d, ors, ocs);
        full = full && o == d;
        contiguous = contiguous && ocs == 1;
    }
    return full ? flat : contiguous ? unit : general;
}

// A member reduced across rows (to 1 x c or 1 x 1): split loops give each block a partial of
// its own, combined in block order by `loop_finish`.
template <class T>
TAPELESS_LOOP_SETUP bool across_rows(loop_desc<T> const& k, node_refs<T> const& r, shape d, std::size_t m) {
    member_spec const& ms = k.members[m];
    return ms.is_sum || (!ms.elementwise && r.shapes[k.at().member(m)].rows != d.rows);
}

//! Blocks of whole rows, fixed by the domain's shape.
template <class T>
exec::partition loop_split(loop_desc<T> const& k, node_refs<T> const& r) {
    shape const d = loop_domain(k, r);
    exec::partition p = exec::split_extent(double(d.size()) * double(k.nc + k.nm), d.rows, 1, exec::min_block_work, 32);
    for (std::size_t m = 0; m < k.nm; ++m)
        if (across_rows(k, r, d, m)) p.stride += r.shapes[k.at().member(m)].size();
    // Whole cache lines per block, so no two threads write one line.
    constexpr std::size_t line = TAPELESS_CONFIG_ALIGNMENT / sizeof(T);
    p.stride = (p.stride + line - 1) / line * line;
    return p;
}

//! Reductions start from their identity: in a register (to 1 x 1) or in the output, over `rows`
//! rows of the domain (all of them, or one block's) or whole where reduced across rows.
template <class T>
TAPELESS_LOOP_SETUP void start_reductions(loop_desc<T> const& k, node_refs<T> const& r, shape d, frame_ref<T> f, std::size_t rows) {
    for (std::size_t m = 0; m < k.nm; ++m) {
        member_spec const& ms = k.members[m];
        if (ms.elementwise || ms.per_row) continue;
        T const id = k.identities[m];
        if (ms.is_sum) {
            f.acc[m] = id;
            continue;
        }
        shape const o = r.shapes[k.at().member(m)];
        std::size_t const n = across_rows(k, r, d, m) ? o.size() : rows * o.cols;
        for (std::size_t e = 0; e < n; ++e) f.out[m][e] = id;
    }
}

//! Sets a frame up for the whole domain (p null) or for block b of partition p: rows
//! [b * p.extent, ...), reductions across rows into that block's partials. Returns the extents the
//! loop runs over.
template <class T>
TAPELESS_LOOP_SETUP shape loop_begin_inline(loop_desc<T> const& k, node_refs<T> const& r, frame_ref<T> f,
                                            exec::partition const* p, std::size_t b, T* scratch) {
    shape const d = loop_domain(k, r);
    loop_prepare(k, r, d, f);
    std::size_t rows = d.rows;
    if (p) {
        std::size_t const i0 = b * p->extent;
        rows = d.rows - i0 < p->extent ? d.rows - i0 : p->extent;
        for (std::size_t c = 0; c < k.nc; ++c) // entries that load nothing (column indices) have no base
            if (f.base[c]) f.base[c] += i0 * f.rs[c];
        T* partial = scratch + p->scratch + b * p->stride;
        for (std::size_t m = 0; m < k.nm; ++m) {
            if (across_rows(k, r, d, m)) {
                f.out[m] = partial;
                partial += r.shapes[k.at().member(m)].size();
            } else {
                f.out[m] += i0 * f.ors[m];
            }
        }
    }
    start_reductions(k, r, d, f, rows);
    return {rows, d.cols};
}

template <class T>
shape loop_begin(loop_desc<T> const& k, node_refs<T> const& r, frame_ref<T> f, exec::partition const* p,
                 std::size_t b, T* scratch) {
    return loop_begin_inline(k, r, f, p, b, scratch);
}

//! Stores the reductions to 1 x 1 held in registers.
template <class T>
TAPELESS_LOOP_SETUP void loop_end(loop_desc<T> const& k, frame_ref<T> f) {
    for (std::size_t m = 0; m < k.nm; ++m)
        if (k.members[m].is_sum) f.out[m][0] = f.acc[m];
}

//! Combines the blocks' partials, in block order, into the reduced outputs.
template <class T>
void loop_finish(loop_desc<T> const& k, node_refs<T> const& r, exec::partition const& p, T const* scratch) {
    shape const d = loop_domain(k, r);
    T const* first = scratch + p.scratch;
    for (std::size_t m = 0; m < k.nm; ++m) {
        if (!across_rows(k, r, d, m)) continue;
        T* out = r.ptrs[k.at().member(m)];
        std::size_t const n = r.shapes[k.at().member(m)].size();
        T (*combine)(T, T) = k.combiners[m];
        for (std::size_t e = 0; e < n; ++e) out[e] = first[e];
        for (std::size_t b = 1; b < p.blocks; ++b)
            for (std::size_t e = 0; e < n; ++e) out[e] = combine(out[e], first[b * p.stride + e]);
        first += n;
    }
}

} // namespace tapeless::detail

#endif
