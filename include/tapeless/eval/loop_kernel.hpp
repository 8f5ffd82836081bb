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
#include "loop_setup.hpp"

#include <cstddef>
#include <utility>

// Kernels are templates on the element type, a spec value and the list of op tags, never on the
// expression types: those grow with the graph, and every function named after them costs the
// compiler time quadratic in their length (symbol mangling), which made deep networks compile in
// minutes. With specs, a 32-layer network's kernels have names of a few hundred characters.

namespace tapeless::detail {

template <class T, auto S, class Ops>
struct loop_kernel {
    static constexpr std::size_t nc = std::size(S.closure);
    static constexpr std::size_t nm = std::size(S.members);
    static constexpr shape static_domain = S.static_domain;
    template <std::size_t I>
    using op = at_t<I, Ops>;

    // What the shared set-up code (`loop_setup.hpp`) needs of the ops: each reduction's starting
    // value and combining function (stored members: zero and none). Constants, not functions.
    template <std::size_t M>
    static constexpr T identity_v = [] {
        if constexpr (S.members[M].elementwise) return T{};
        else return op<S.members[M].op>::template identity<T>();
    }();
    template <std::size_t M>
    static constexpr auto combiner_v = [] {
        if constexpr (S.members[M].elementwise) return static_cast<T (*)(T, T)>(nullptr);
        else return &combine_with<op<S.members[M].op>, T>;
    }();
    struct reductions {
        T identity[nm];
        T (*combine[nm])(T, T);
    };
    static constexpr reductions red = []<std::size_t... M>(std::index_sequence<M...>) {
        return reductions{{identity_v<M>...}, {combiner_v<M>...}};
    }(std::make_index_sequence<nm>{});
    static constexpr loop_desc<T> desc{S.closure, nc, S.members, nm, S.static_domain, red.identity, red.combine};

    //! Per closure entry its base, strides and immediate; per member its output, strides, whether
    //! it is stored whole, and its accumulator. Filled by `loop_begin`.
    struct frame {
        T const* base[nc];
        std::size_t rs[nc], cs[nc];
        T immv[nc];
        T* out[nm];
        std::size_t ors[nm], ocs[nm];
        bool store[nm];
        T acc[nm];

        frame_ref<T> ref() { return {base, rs, cs, immv, out, ors, ocs, store, acc}; }
    };

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
                for (std::size_t m = 0; m < nm; ++m) row[m] = S.members[m].per_row ? red.identity[m] : T{};
            for (std::size_t j = 0; j < cols; ++j) body<Unit>(f, row, i, j);
            if constexpr (any_per_row)
                for (std::size_t m = 0; m < nm; ++m)
                    if (S.members[m].per_row) f.out[m][i * f.ors[m]] = row[m];
        }
        for (std::size_t m = 0; m < nm; ++m) shared.acc[m] = f.acc[m];
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

    static void run(node_refs<T> const& r, unsigned variant) {
        frame f{};
        shape const w = loop_begin_inline<T>(desc, r, f.ref(), nullptr, 0, nullptr);
        dispatch<true>(f, w.rows, w.cols, variant);
        loop_end(desc, f.ref());
    }

    //! Rows [b * p.extent, ...) of the domain; reductions across rows go to block b's partials.
    static void run_block(node_refs<T> const& r, unsigned variant, exec::partition const& p, std::size_t b,
                          T* scratch) {
        frame f{};
        shape const w = loop_begin(desc, r, f.ref(), &p, b, scratch);
        dispatch<false>(f, w.rows, w.cols, variant);
        loop_end(desc, f.ref());
    }

    static unsigned choose(node_refs<T> const& r) { return loop_choose(desc, r); }
    static exec::partition split(node_refs<T> const& r) { return loop_split(desc, r); }
    static void prepare(node_refs<T> const&, unsigned, exec::partition const&, T*) {}
    static void finish(node_refs<T> const& r, exec::partition const& p, T const* scratch) {
        loop_finish(desc, r, p, scratch);
    }
};

} // namespace tapeless::detail

#endif
