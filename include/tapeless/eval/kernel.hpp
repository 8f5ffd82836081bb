//! @file Defines the kernels a plan runs: one GEMM call per contraction and one fused loop per
//! group of elementwise and reduction nodes. The only place in tapeless that loops over elements.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_KERNEL_HPP
#define TAPELESS_EVAL_KERNEL_HPP

#include "../config.hpp"
#include "../exec/partition.hpp"
#include "../exec/task.hpp"
#include "../linalg/gemm.hpp"
#include "../plan/plan.hpp"

#include <array>
#include <cstddef>
#include <initializer_list>
#include <utility>

// Kernels are templates on the element type, a spec value and the list of op tags, never on the
// expression types: those grow with the graph, and every function named after them costs the
// compiler time quadratic in their length (symbol mangling), which made deep networks compile in
// minutes. With specs, a 32-layer network's kernels have names of a few hundred characters.
namespace tapeless::detail {

//! Everything a plan needs at run time, fixed when it is bound: each node's shape, its buffer
//! (the user's storage for leaves, the workspace otherwise) and, for immediates, its value.
template <class T, std::size_t N, std::size_t NG, std::size_t R>
struct state {
    std::array<shape, N> shapes{};
    std::array<T*, N> ptr{};
    std::array<T, N> imm{};
    std::array<unsigned, NG + 1> variant{}; // loop shape chosen per group at bind
    std::array<exec::partition, NG + 1> part{}; // blocks per group, fixed at bind
    T* scratch = nullptr;                        // partial reductions of split loops
    // The plan's node references resolved at bind: each kernel reads its buffers, shapes and
    // immediates from a contiguous run here, one load each, as if its nodes were in its type.
    std::array<T*, R> rptr{};
    std::array<shape, R> rshape{};
    std::array<T, R> rimm{};
};

//! A kernel's nodes as resolved at bind (see `loop_refs` for the order).
template <class T>
struct node_refs {
    T* const* ptrs;
    shape const* shapes;
    T const* imms;
};

//! Fills the resolved references from the plan's table once shapes, buffers and immediates are set.
template <class Plan, class State>
void resolve_refs(State& s) {
    for (std::size_t k = 0; k < Plan::refs.size(); ++k) {
        std::size_t i = Plan::refs[k];
        s.rptr[k] = s.ptr[i];
        s.rshape[k] = s.shapes[i];
        s.rimm[k] = s.imm[i];
    }
}

template <class Plan, std::size_t G, class T, std::size_t N, std::size_t NG, std::size_t R>
node_refs<T> refs_of(state<T, N, NG, R> const& s) {
    constexpr std::size_t b = Plan::ref_begin[G];
    return {s.rptr.data() + b, s.rshape.data() + b, s.rimm.data() + b};
}

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

//! What an executor runs for one block: the kernel's references and its bind-time choices.
template <class T>
struct block_context {
    node_refs<T> refs;
    unsigned variant;
    exec::partition const* part;
    T* scratch;
};

template <class K, class T>
void run_one_block(void const* ctx, std::size_t b) {
    auto const& c = *static_cast<block_context<T> const*>(ctx);
    K::run_block(c.refs, c.variant, *c.part, b, c.scratch);
}

template <class K, class T>
void finish_one_block(void const* ctx, std::size_t b) {
    auto const& c = *static_cast<block_context<T> const*>(ctx);
    K::finish_block(c.refs, *c.part, b, c.scratch);
}

//! One kernel on an executor: whole when it has one block (no hand-off: tiny steps pay nothing),
//! else what its blocks share, then its blocks on the executor, then their partial results
//! combined in block order.
template <class K, class T, class Ex>
TAPELESS_ALWAYS_INLINE void run_kernel(node_refs<T> const& r, unsigned variant, exec::partition const& p, T* scratch,
                                       Ex const& ex) {
    if (p.blocks == 1) {
        K::run(r, variant);
        return;
    }
    K::prepare(r, variant, p, scratch);
    block_context<T> c{r, variant, &p, scratch};
    ex(exec::task{&run_one_block<K, T>, &c, p.blocks});
    if constexpr (requires { K::finish_in_blocks; }) ex(exec::task{&finish_one_block<K, T>, &c, p.blocks});
    else K::finish(r, p, scratch);
}

//! The kernel type of group G: named, not instantiated, for the group that is not of its kind.
template <class Plan, class T, std::size_t G>
using kernel_t = std::conditional_t<Plan::a.groups[G].gemm, gemm_kernel<T, Plan::template gemm<G>>,
                                    loop_kernel<T, Plan::template loop<G>, typename Plan::ops>>;

// Plans of up to this many kernels run as a straight line of calls, each kernel inlined where it
// runs; larger ones from a table with one entry per kernel, so their code is one function per
// distinct kernel whatever the depth (a 16-block residual network's straight line was 49 KB of
// code and most of its compile time).
inline constexpr std::size_t max_unrolled_kernels = 24;

template <class Plan, class T, std::size_t N, std::size_t NG, std::size_t R>
node_refs<T> refs_at(state<T, N, NG, R> const& s, std::size_t g) {
    std::size_t const b = Plan::ref_begin[g];
    return {s.rptr.data() + b, s.rshape.data() + b, s.rimm.data() + b};
}

template <class K, class T, class Ex>
void run_kernel_fn(node_refs<T> const& r, unsigned variant, exec::partition const& p, T* scratch, Ex const& ex) {
    run_kernel<K>(r, variant, p, scratch, ex);
}
template <class Plan, class T, class Ex>
inline constexpr auto kernel_table = []<std::size_t... G>(std::index_sequence<G...>) {
    using fn = void (*)(node_refs<T> const&, unsigned, exec::partition const&, T*, Ex const&);
    return std::array<fn, sizeof...(G)>{&run_kernel_fn<kernel_t<Plan, T, G>, T, Ex>...};
}(std::make_index_sequence<Plan::a.ngroups>{});

//! Runs every kernel of the plan in order on executor `ex`: a straight line of calls for small
//! plans, a loop over a table of kernels for large ones (see `max_unrolled_kernels`).
// Braced lists rather than comma folds (clang caps a fold at 256 operands) and one lambda for the
// whole plan rather than one per kernel (each would carry the plan's long name).
template <class Plan, class T, class State, class Ex>
void run_plan(State& s, Ex const& ex) {
    if constexpr (Plan::a.ngroups <= max_unrolled_kernels) {
        [&]<std::size_t... G>(std::index_sequence<G...>) {
            (void)std::initializer_list<int>{
                (run_kernel<kernel_t<Plan, T, G>>(refs_of<Plan, G>(s), s.variant[G], s.part[G], s.scratch, ex), 0)...,
                0};
        }(std::make_index_sequence<Plan::a.ngroups>{});
    } else {
        constexpr auto const& table = kernel_table<Plan, T, Ex>;
        for (std::size_t g = 0; g < Plan::a.ngroups; ++g)
            table[g](refs_at<Plan>(s, g), s.variant[g], s.part[g], s.scratch, ex);
    }
}

//! The same on this thread, calling `after(g)` once kernel g has run: for tools that look at each
//! kernel's results as they appear (`check_finite`). Instantiated only where such a tool is used.
template <class Plan, class T, class State, class Ex, class After>
void run_plan_each(State& s, Ex const& ex, After&& after) {
    constexpr auto const& table = kernel_table<Plan, T, Ex>;
    for (std::size_t g = 0; g < Plan::a.ngroups; ++g) {
        table[g](refs_at<Plan>(s, g), s.variant[g], s.part[g], s.scratch, ex);
        after(g);
    }
}

template <class K, class T>
exec::partition choose_fn(node_refs<T> const& r, unsigned& variant) {
    variant = K::choose(r);
    return K::split(r);
}

//! Fixes each kernel's variant (loop shape, or product backend) and blocks for the bound shapes;
//! returns the scratch the split kernels' partial results need, in elements. Once per bind: a
//! table, never a straight line.
template <class Plan, class T, class State>
std::size_t choose_variants(State& s) {
    using fn = exec::partition (*)(node_refs<T> const&, unsigned&);
    static constexpr auto table = []<std::size_t... G>(std::index_sequence<G...>) {
        return std::array<fn, sizeof...(G) + 1>{&choose_fn<kernel_t<Plan, T, G>, T>..., nullptr};
    }(std::make_index_sequence<Plan::a.ngroups>{});
    std::size_t scratch = 0;
    for (std::size_t g = 0; g < Plan::a.ngroups; ++g) {
        s.part[g] = table[g](refs_at<Plan>(s, g), s.variant[g]);
        s.part[g].scratch = scratch;
        scratch += s.part[g].scratch_size();
    }
    return scratch;
}

} // namespace tapeless::detail

#endif
