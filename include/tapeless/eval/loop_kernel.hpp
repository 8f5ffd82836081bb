//! @file Defines `loop_kernel`: one fused loop over a domain, computing a group of elementwise and
//! reduction nodes per element, as its `loop_spec` says. The only place a compiled step loops over
//! elements outside GEMM.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_LOOP_KERNEL_HPP
#define TAPELESS_EVAL_LOOP_KERNEL_HPP

#include "../config.hpp"
#include "../exec/partition.hpp"
#include "../plan/specs.hpp"
#include "bound_state.hpp"

#include <array>
#include <cstddef>
#include <utility>

// Kernels are templates on the element type, a spec value and the list of op tags, never on the
// expression types: those grow with the graph, and every function named after them costs the
// compiler time quadratic in their length (symbol mangling), which made deep networks compile in
// minutes. With specs, a 32-layer network's kernels have names of a few hundred characters.

namespace tapeless::detail {

// Loop variants: `flat` runs the domain as one contiguous run (every operand full-sized);
// `unit` keeps rows but every operand is contiguous along them; `general` also broadcasts
// columns. Chosen once at bind time; the loops themselves carry no per-element branches.
// A member reduced into a smaller buffer (sum_to, sum_cols, ...) always starts from its identity
// and accumulates, even where its buffer turns out as large as the domain at run time (then the
// reduction is a copy): one loop per variant instead of one per subset of such members (a
// kernel with three of them compiled eight times over).
enum loop_variant : unsigned { flat = 0, unit = 1, general = 2 };

// Strides that read an r x c buffer broadcast over the domain.
constexpr void broadcast_strides(shape b, shape d, std::size_t& rs, std::size_t& cs) {
    rs = b.rows == d.rows ? b.cols : 0;
    cs = b.cols == d.cols ? 1 : 0;
}

template <class T, auto S, class Ops>
struct loop_kernel {
    static constexpr std::size_t nc = std::size(S.closure);
    static constexpr std::size_t nm = std::size(S.members);
    static constexpr shape static_domain = S.static_domain;
    static constexpr loop_refs at{nc, nm};
    template <std::size_t I>
    using op = at_t<I, Ops>;

    struct frame {
        std::array<T const*, nc> base{};
        std::array<std::size_t, nc> rs{}, cs{};
        std::array<T, nc> immv{};
        std::array<T*, nm> out{};
        std::array<std::size_t, nm> ors{}, ocs{};
        std::array<bool, nm> store{};
        std::array<T, nm> acc{};
    };

    static shape domain(node_refs<T> const& r) {
        if constexpr (static_domain.is_static()) return static_domain;
        else return r.shapes[at.domain];
    }

    template <std::size_t C>
    static void prepare_entry(node_refs<T> const& r, shape d, frame& f) {
        constexpr entry_spec e = S.closure[C];
        constexpr std::size_t k = at.node(C);
        if constexpr (e.role == entry_role::load) {
            f.base[C] = r.ptrs[k];
            broadcast_strides(r.shapes[k], d, f.rs[C], f.cs[C]);
        } else if constexpr (e.role == entry_role::load_transposed) {
            // y_ij = x_ji: x's row stride moves with j, its unit stride with i.
            shape const y = r.shapes[at.shape_node(C)];
            f.base[C] = r.ptrs[k];
            f.rs[C] = y.rows == d.rows ? 1 : 0;
            f.cs[C] = y.cols == d.cols ? r.shapes[k].cols : 0;
        } else if constexpr (e.role == entry_role::unit_load) {
            f.immv[C] = r.ptrs[k][0];
        } else if constexpr (e.role == entry_role::immediate) {
            f.immv[C] = r.imms[k];
        } else if constexpr (e.indexes_columns) {
            broadcast_strides(r.shapes[k], d, f.rs[C], f.cs[C]);
        }
    }

    static frame prepare(node_refs<T> const& r, shape d) {
        frame f;
        [&]<std::size_t... C>(std::index_sequence<C...>) { (prepare_entry<C>(r, d, f), ...); }(
            std::make_index_sequence<nc>{});
        for (std::size_t m = 0; m < nm; ++m) {
            std::size_t i = at.member(m);
            f.out[m] = r.ptrs[i];
            broadcast_strides(r.shapes[i], d, f.ors[m], f.ocs[m]);
            f.store[m] = r.shapes[i] == d;
        }
        return f;
    }

    //! Picks the variant for the bound shapes: see `loop_variant`.
    static unsigned choose(node_refs<T> const& r) {
        shape d = domain(r);
        frame f = prepare(r, d);
        bool full = true, contiguous = true;
        for (std::size_t c = 0; c < nc; ++c) {
            entry_role r = S.closure[c].role;
            if (S.closure[c].one_per_row) {
                full = false; // read at i, not at the flat index
            } else if (r == entry_role::load || r == entry_role::load_transposed) {
                full = full && f.rs[c] == d.cols && f.cs[c] == 1;
                contiguous = contiguous && f.cs[c] == 1;
            }
            if (S.closure[c].indexes_columns) full = false; // needs the true j
        }
        for (std::size_t m = 0; m < nm; ++m) {
            member_spec const& ms = S.members[m];
            if (ms.is_sum) continue;
            if (ms.per_row) {
                full = false; // stored once per row
                continue;
            }
            full = full && f.store[m];
            contiguous = contiguous && f.ocs[m] == 1;
        }
        return full ? flat : contiguous ? unit : general;
    }

    template <std::size_t C, bool Unit>
    TAPELESS_ALWAYS_INLINE static T entry(T const* v, frame const& f, std::size_t i, std::size_t j) {
        constexpr entry_spec e = S.closure[C];
        if constexpr (e.one_per_row) {
            return f.base[C][i * f.rs[C]];
        } else if constexpr (e.role == entry_role::load || e.role == entry_role::load_transposed) {
            return f.base[C][i * f.rs[C] + (Unit ? j : j * f.cs[C])];
        } else if constexpr (e.role == entry_role::compute && e.indexes_columns) {
            return T(Unit ? j : j * f.cs[C]);
        } else if constexpr (e.role == entry_role::compute) {
            return [&]<std::size_t... K>(std::index_sequence<K...>) {
                return op<e.op>::apply(v[e.argpos[K]]...);
            }(std::make_index_sequence<e.nreads>{});
        } else {
            return f.immv[C];
        }
    }

    template <std::size_t M, bool Unit>
    TAPELESS_ALWAYS_INLINE static void effect(T const* v, frame& f, T* row, std::size_t i, std::size_t j) {
        constexpr member_spec ms = S.members[M];
        T x = v[ms.argpos];
        if constexpr (ms.per_row) {
            row[M] = op<ms.op>::combine(row[M], x);
        } else if constexpr (ms.elementwise) {
            f.out[M][i * f.ors[M] + (Unit ? j : j * f.ocs[M])] = x;
        } else if constexpr (ms.is_sum) {
            f.acc[M] = op<ms.op>::combine(f.acc[M], x);
        } else {
            T& o = f.out[M][i * f.ors[M] + (Unit ? j : j * f.ocs[M])];
            o = op<ms.op>::combine(o, x);
        }
    }

    template <bool Unit>
    TAPELESS_ALWAYS_INLINE static void body(frame& f, T* row, std::size_t i, std::size_t j) {
        T v[nc];
        [&]<std::size_t... C>(std::index_sequence<C...>) { ((v[C] = entry<C, Unit>(v, f, i, j)), ...); }(
            std::make_index_sequence<nc>{});
        [&]<std::size_t... M>(std::index_sequence<M...>) { (effect<M, Unit>(v, f, row, i, j), ...); }(
            std::make_index_sequence<nm>{});
    }

    template <std::size_t M>
    static constexpr T row_start() {
        if constexpr (S.members[M].per_row) return op<S.members[M].op>::template identity<T>();
        else return T{};
    }

    static constexpr bool any_per_row = [] {
        for (std::size_t m = 0; m < nm; ++m)
            if (S.members[m].per_row) return true;
        return false;
    }();

    // Per-row reductions live in `row` (registers) across a row and are stored at its end, in the
    // same order of operations as accumulating in memory, without a store per element.
    template <bool Unit>
    // The loop runs on a local copy of the frame: its strides and bases then cannot alias the
    // outputs it stores to, so the compiler keeps them in registers and vectorises the row.
    static void loop(frame& shared, std::size_t rows, std::size_t cols) {
        frame f = shared;
        for (std::size_t i = 0; i < rows; ++i) {
            T row[nm];
            if constexpr (any_per_row)
                [&]<std::size_t... M>(std::index_sequence<M...>) { ((row[M] = row_start<M>()), ...); }(
                    std::make_index_sequence<nm>{});
            for (std::size_t j = 0; j < cols; ++j) body<Unit>(f, row, i, j);
            if constexpr (any_per_row)
                for (std::size_t m = 0; m < nm; ++m)
                    if (S.members[m].per_row) f.out[m][i * f.ors[m]] = row[m];
        }
        shared.acc = f.acc;
    }

    // Static bounds where the whole domain runs as one block (tiny steps unroll); else `rows`.
    template <bool Whole>
    static void dispatch(frame& f, std::size_t rows, std::size_t cols, unsigned variant) {
        constexpr bool fixed = Whole && static_domain.is_static();
        switch (variant) {
        case flat:
            if constexpr (fixed) loop<true>(f, 1, static_domain.size());
            else loop<true>(f, 1, rows * cols);
            return;
        case unit:
            if constexpr (fixed) loop<true>(f, static_domain.rows, static_domain.cols);
            else loop<true>(f, rows, cols);
            return;
        default:
            if constexpr (fixed) loop<false>(f, static_domain.rows, static_domain.cols);
            else loop<false>(f, rows, cols);
        }
    }

    // Reductions start from their identity: in a register (to 1 x 1) or in the output buffer.
    template <std::size_t M>
    static void start_reduction(node_refs<T> const& r, frame& f) {
        constexpr member_spec ms = S.members[M];
        if constexpr (!ms.elementwise && !ms.per_row) {
            constexpr T id = op<ms.op>::template identity<T>();
            if constexpr (ms.is_sum) f.acc[M] = id;
            else
                for (std::size_t e = 0, n = r.shapes[at.member(M)].size(); e < n; ++e) f.out[M][e] = id;
        }
    }

    static void run(node_refs<T> const& r, unsigned variant) {
        shape d = domain(r);
        frame f = prepare(r, d);
        [&]<std::size_t... M>(std::index_sequence<M...>) { (start_reduction<M>(r, f), ...); }(
            std::make_index_sequence<nm>{});
        dispatch<true>(f, d.rows, d.cols, variant);
        for (std::size_t m = 0; m < nm; ++m)
            if (S.members[m].is_sum) f.out[m][0] = f.acc[m];
    }

    // A member reduced across rows (to 1 x c or 1 x 1): split loops give each block a partial of
    // its own, combined in block order by `finish`.
    static bool across_rows(node_refs<T> const& r, shape d, std::size_t m) {
        return S.members[m].is_sum || (!S.members[m].elementwise && r.shapes[at.member(m)].rows != d.rows);
    }

    //! Blocks of whole rows, fixed by the domain's shape.
    static exec::partition split(node_refs<T> const& r) {
        shape d = domain(r);
        exec::partition p = exec::split_extent(double(d.size()) * double(nc + nm), d.rows, 1, exec::min_block_work, 32);
        for (std::size_t m = 0; m < nm; ++m)
            if (across_rows(r, d, m)) p.stride += r.shapes[at.member(m)].size();
        // Whole cache lines per block, so no two threads write one line.
        constexpr std::size_t line = TAPELESS_CONFIG_ALIGNMENT / sizeof(T);
        p.stride = (p.stride + line - 1) / line * line;
        return p;
    }

    //! Rows [b * p.extent, ...) of the domain; reductions across rows go to block b's partials.
    static void run_block(node_refs<T> const& r, unsigned variant, exec::partition const& p, std::size_t b,
                          T* scratch) {
        shape d = domain(r);
        std::size_t const i0 = b * p.extent, rows = d.rows - i0 < p.extent ? d.rows - i0 : p.extent;
        frame f = prepare(r, d);
        for (std::size_t c = 0; c < nc; ++c) // entries that load nothing (column indices) have no base
            if (f.base[c]) f.base[c] += i0 * f.rs[c];
        T* partial = scratch + p.scratch + b * p.stride;
        for (std::size_t m = 0; m < nm; ++m) {
            if (across_rows(r, d, m)) {
                f.out[m] = partial;
                partial += r.shapes[at.member(m)].size();
            } else {
                f.out[m] += i0 * f.ors[m];
            }
        }
        start_block_reductions(r, d, f, rows);
        dispatch<false>(f, rows, d.cols, variant);
        for (std::size_t m = 0; m < nm; ++m)
            if (S.members[m].is_sum) f.out[m][0] = f.acc[m];
    }

    static void prepare(node_refs<T> const&, unsigned, exec::partition const&, T*) {}

    //! Combines the blocks' partials, in block order, into the reduced outputs.
    static void finish(node_refs<T> const& r, exec::partition const& p, T const* scratch) {
        shape d = domain(r);
        T const* partial = scratch + p.scratch;
        [&]<std::size_t... M>(std::index_sequence<M...>) {
            ([&] {
                if (!across_rows(r, d, M)) return;
                combine_partials<M>(r, p, partial);
                partial += r.shapes[at.member(M)].size();
            }(), ...);
        }(std::make_index_sequence<nm>{});
    }

private:
    template <std::size_t M>
    static void combine_partials(node_refs<T> const& r, exec::partition const& p, T const* first) {
        constexpr member_spec ms = S.members[M];
        if constexpr (!ms.elementwise) {
            T* out = r.ptrs[at.member(M)];
            std::size_t const n = r.shapes[at.member(M)].size();
            for (std::size_t e = 0; e < n; ++e) out[e] = first[e];
            for (std::size_t b = 1; b < p.blocks; ++b)
                for (std::size_t e = 0; e < n; ++e) out[e] = op<ms.op>::combine(out[e], first[b * p.stride + e]);
        }
    }

    // As `start_reduction`, for one block: partials whole, row-local outputs over the block's rows.
    static void start_block_reductions(node_refs<T> const& r, shape d, frame& f, std::size_t rows) {
        [&]<std::size_t... M>(std::index_sequence<M...>) {
            (
                [&] {
                    constexpr member_spec ms = S.members[M];
                    if constexpr (!ms.elementwise && !ms.per_row) {
                        constexpr T id = op<ms.op>::template identity<T>();
                        if constexpr (ms.is_sum) {
                            f.acc[M] = id;
                        } else {
                            bool across = across_rows(r, d, M);
                            std::size_t n = across ? r.shapes[at.member(M)].size() : rows * r.shapes[at.member(M)].cols;
                            for (std::size_t e = 0; e < n; ++e) f.out[M][e] = id;
                        }
                    }
                }(),
                ...);
        }(std::make_index_sequence<nm>{});
    }
};

} // namespace tapeless::detail

#endif
