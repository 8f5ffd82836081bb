//! @file Defines the kernels a plan runs: one GEMM call per contraction and one fused loop per
//! group of elementwise and reduction nodes. The only place in tapeless that loops over elements.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_KERNEL_HPP
#define TAPELESS_EVAL_KERNEL_HPP

#include "../config.hpp"
#include "gemm.hpp"
#include "plan.hpp"

#include <array>
#include <cstddef>
#include <utility>

namespace tapeless::detail {

//! Everything a plan needs at run time, fixed when it is bound: each node's shape, its buffer
//! (the user's storage for leaves, the workspace otherwise) and, for immediates, its value.
template <class T, class Plan>
struct state {
    static constexpr std::size_t size = Plan::size;
    std::array<shape, size> shapes{};
    std::array<T*, size> ptr{};
    std::array<T, size> imm{};
    std::array<unsigned, Plan::a.ngroups + 1> variant{}; // loop shape chosen per group at bind
};

// Loop variants: `flat` runs the domain as one contiguous run (every operand full-sized);
// `unit` keeps rows but every operand is contiguous along them; `general` also broadcasts
// columns. Chosen once at bind time; the loops themselves carry no per-element branches.
enum loop_variant : unsigned { flat = 0, unit = 1, general = 2 };
inline constexpr unsigned max_mask_bits = 3;

template <class T, class Plan, std::size_t G>
struct loop_group {
    static constexpr auto const& A = Plan::a;
    static constexpr group_info gi = A.groups[G];
    static constexpr std::size_t nc = gi.cend - gi.cbegin;
    static constexpr std::size_t nm = gi.mend - gi.mbegin;
    using nodes = typename Plan::nodes;
    using domain_node = at_t<gi.node, nodes>;
    static constexpr shape static_domain = domain_node::static_shape;

    static constexpr std::size_t node(std::size_t c) { return A.closure[gi.cbegin + c]; }
    static constexpr entry_role role(std::size_t c) { return A.role[gi.cbegin + c]; }
    static constexpr std::size_t member(std::size_t m) { return A.members[gi.mbegin + m]; }
    static constexpr bool is_sum(std::size_t m) { return A.info[member(m)].is_sum; }
    static constexpr bool is_sum_to(std::size_t m) {
        return A.info[member(m)].cat == category::reduction && !is_sum(m);
    }
    // Bit of a sum_to member in the store mask.
    static constexpr std::size_t mask_bit(std::size_t m) {
        std::size_t b = 0;
        for (std::size_t q = 0; q < m; ++q) b += is_sum_to(q);
        return b;
    }
    static constexpr std::size_t nsum_to = mask_bit(nm);
    static constexpr bool masked = nsum_to <= max_mask_bits;

    template <std::size_t M>
    using reducer = typename at_t<member(M), nodes>::op;

    struct frame {
        std::array<T const*, nc + 1> base{};
        std::array<std::size_t, nc + 1> rs{}, cs{};
        std::array<T, nc + 1> immv{};
        std::array<T*, nm> out{};
        std::array<std::size_t, nm> ors{}, ocs{};
        std::array<bool, nm> store{};
        std::array<T, nm> acc{};
    };

    static constexpr shape domain(state<T, Plan> const& s) {
        if constexpr (static_domain.is_static()) return static_domain;
        else return s.shapes[gi.node];
    }

    // Strides that read an r x c buffer broadcast over the domain.
    static constexpr void strides(shape b, shape d, std::size_t& rs, std::size_t& cs) {
        rs = b.rows == d.rows ? b.cols : 0;
        cs = b.cols == d.cols ? 1 : 0;
    }

    template <std::size_t C>
    static void prepare_entry(state<T, Plan> const& s, shape d, frame& f) {
        constexpr entry_role r = role(C);
        constexpr std::size_t n = node(C);
        if constexpr (r == entry_role::load) {
            f.base[C] = s.ptr[n];
            strides(s.shapes[n], d, f.rs[C], f.cs[C]);
        } else if constexpr (r == entry_role::load_transposed) {
            // y_ij = x_ji: x's row stride moves with j, its unit stride with i.
            constexpr std::size_t x = A.info[n].arg[0];
            f.base[C] = s.ptr[x];
            f.rs[C] = s.shapes[n].rows == d.rows ? 1 : 0;
            f.cs[C] = s.shapes[n].cols == d.cols ? s.shapes[x].cols : 0;
        } else if constexpr (r == entry_role::unit_load) {
            f.immv[C] = s.ptr[n][0];
        } else if constexpr (r == entry_role::immediate) {
            f.immv[C] = s.imm[n];
        } else if constexpr (A.info[n].indexes_columns) {
            strides(s.shapes[n], d, f.rs[C], f.cs[C]);
        }
    }

    static frame prepare(state<T, Plan> const& s, shape d) {
        frame f;
        [&]<std::size_t... C>(std::index_sequence<C...>) {
            (prepare_entry<C>(s, d, f), ...);
        }(std::make_index_sequence<nc>{});
        for (std::size_t m = 0; m < nm; ++m) {
            std::size_t i = member(m);
            f.out[m] = s.ptr[i];
            strides(s.shapes[i], d, f.ors[m], f.ocs[m]);
            f.store[m] = s.shapes[i] == d;
        }
        return f;
    }

    //! Picks the variant for the bound shapes: see `loop_variant`.
    static unsigned choose(state<T, Plan> const& s) {
        shape d = domain(s);
        frame f = prepare(s, d);
        bool full = true, contiguous = true;
        unsigned mask = 0;
        for (std::size_t c = 0; c < nc; ++c) {
            if (role(c) == entry_role::load || role(c) == entry_role::load_transposed) {
                full = full && f.rs[c] == d.cols && f.cs[c] == 1;
                contiguous = contiguous && f.cs[c] == 1;
            }
            if (A.info[node(c)].indexes_columns) full = false; // needs the true j
        }
        for (std::size_t m = 0; m < nm; ++m) {
            if (is_sum(m)) continue;
            full = full && f.store[m];
            contiguous = contiguous && f.ocs[m] == 1;
            if (is_sum_to(m) && f.store[m]) mask |= 1u << mask_bit(m);
        }
        unsigned v = full ? flat : contiguous ? unit : general;
        return v | (masked ? mask << 2 : 0u);
    }

    template <std::size_t C, bool Unit>
    TAPELESS_ALWAYS_INLINE static T entry(T const* v, frame const& f, std::size_t i, std::size_t j) {
        constexpr entry_role r = role(C);
        if constexpr (r == entry_role::load || r == entry_role::load_transposed) {
            return f.base[C][i * f.rs[C] + (Unit ? j : j * f.cs[C])];
        } else if constexpr (r == entry_role::compute && A.info[node(C)].indexes_columns) {
            return T(Unit ? j : j * f.cs[C]);
        } else if constexpr (r == entry_role::compute) {
            constexpr node_info info = A.info[node(C)];
            return detail::apply_node<at_t<node(C), nodes>>(
                [&]<class, std::size_t K>() { return v[A.pos(G, info.arg[K])]; });
        } else {
            return f.immv[C];
        }
    }

    template <bool Unit, unsigned Mask>
    TAPELESS_ALWAYS_INLINE static void body(frame& f, std::size_t i, std::size_t j) {
        T v[nc + 1];
        [&]<std::size_t... C>(std::index_sequence<C...>) {
            ((v[C] = entry<C, Unit>(v, f, i, j)), ...);
        }(std::make_index_sequence<nc>{});
        [&]<std::size_t... M>(std::index_sequence<M...>) { (effect<M, Unit, Mask>(v, f, i, j), ...); }(
            std::make_index_sequence<nm>{});
    }

    template <std::size_t M, bool Unit, unsigned Mask>
    TAPELESS_ALWAYS_INLINE static void effect(T const* v, frame& f, std::size_t i, std::size_t j) {
        constexpr std::size_t n = member(M);
        constexpr node_info info = A.info[n];
        if constexpr (info.cat == category::elementwise) {
            f.out[M][i * f.ors[M] + (Unit ? j : j * f.ocs[M])] = v[A.pos(G, n)];
        } else if constexpr (is_sum(M)) {
            f.acc[M] = reducer<M>::combine(f.acc[M], v[A.pos(G, info.arg[0])]);
        } else {
            T x = v[A.pos(G, info.arg[0])];
            T& o = f.out[M][i * f.ors[M] + (Unit ? j : j * f.ocs[M])];
            if constexpr (masked) {
                if constexpr ((Mask >> mask_bit(M)) & 1u) o = x;
                else o = reducer<M>::combine(o, x);
            } else {
                o = f.store[M] ? x : reducer<M>::combine(o, x);
            }
        }
    }

    template <bool Unit, unsigned Mask>
    static void loop(frame& f, std::size_t rows, std::size_t cols) {
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < cols; ++j) body<Unit, Mask>(f, i, j);
    }

    template <unsigned Mask>
    static void dispatch_variant(frame& f, shape d, unsigned variant) {
        switch (variant & 3u) {
        case flat:
            if constexpr (Mask == (1u << nsum_to) - 1u || !masked) {
                if constexpr (static_domain.is_static()) loop<true, Mask>(f, 1, static_domain.size());
                else loop<true, Mask>(f, 1, d.size());
                return;
            }
            [[fallthrough]];
        case unit:
            if constexpr (static_domain.is_static()) loop<true, Mask>(f, static_domain.rows, static_domain.cols);
            else loop<true, Mask>(f, d.rows, d.cols);
            return;
        default:
            if constexpr (static_domain.is_static()) loop<false, Mask>(f, static_domain.rows, static_domain.cols);
            else loop<false, Mask>(f, d.rows, d.cols);
        }
    }

    // Reductions start from their identity: in a register (to 1 x 1) or in the output buffer.
    template <std::size_t M>
    static void start_reduction(state<T, Plan> const& s, frame& f) {
        if constexpr (A.info[member(M)].cat == category::reduction) {
            constexpr T id = reducer<M>::template identity<T>();
            if constexpr (is_sum(M)) f.acc[M] = id;
            else if (!f.store[M])
                for (std::size_t e = 0, n = s.shapes[member(M)].size(); e < n; ++e) f.out[M][e] = id;
        }
    }

    static void run(state<T, Plan>& s) {
        shape d = domain(s);
        frame f = prepare(s, d);
        [&]<std::size_t... M>(std::index_sequence<M...>) { (start_reduction<M>(s, f), ...); }(
            std::make_index_sequence<nm>{});
        unsigned variant = s.variant[G];
        if constexpr (masked) {
            [&]<unsigned... Ms>(std::integer_sequence<unsigned, Ms...>) {
                ((variant >> 2 == Ms ? dispatch_variant<Ms>(f, d, variant) : void()), ...);
            }(std::make_integer_sequence<unsigned, (1u << nsum_to)>{});
        } else {
            dispatch_variant<0>(f, d, variant);
        }
        for (std::size_t m = 0; m < nm; ++m)
            if (is_sum(m)) f.out[m][0] = f.acc[m];
    }
};

template <class T, class Plan, std::size_t G>
struct gemm_group {
    static constexpr auto const& A = Plan::a;
    static constexpr std::size_t c = A.groups[G].node;
    static constexpr std::size_t a = A.gemm_a[c], b = A.gemm_b[c];
    static constexpr bool ta = A.ta[c], tb = A.tb[c];

    static void run(state<T, Plan>& s) {
        shape sc = s.shapes[c], sa = s.shapes[a], sb = s.shapes[b];
        std::size_t k = ta ? sa.rows : sa.cols;
        gemm<T>(ta, tb, sc.rows, sc.cols, k, T(1), s.ptr[a], sa.cols, s.ptr[b], sb.cols, T(0), s.ptr[c],
                sc.cols);
    }
};

template <class T, class Plan, std::size_t G>
TAPELESS_ALWAYS_INLINE void run_group(state<T, Plan>& s) {
    if constexpr (Plan::a.groups[G].gemm) gemm_group<T, Plan, G>::run(s);
    else loop_group<T, Plan, G>::run(s);
}

//! Runs every kernel of the plan in order: a straight line of calls, no dispatch on node kinds.
template <class T, class Plan>
void run_plan(state<T, Plan>& s) {
    [&]<std::size_t... G>(std::index_sequence<G...>) { (detail::run_group<T, Plan, G>(s), ...); }(
        std::make_index_sequence<Plan::a.ngroups>{});
}

//! Fixes each loop group's variant for the bound shapes.
template <class T, class Plan>
void choose_variants(state<T, Plan>& s) {
    [&]<std::size_t... G>(std::index_sequence<G...>) {
        ([&] {
            if constexpr (!Plan::a.groups[G].gemm) s.variant[G] = loop_group<T, Plan, G>::choose(s);
        }(), ...);
    }(std::make_index_sequence<Plan::a.ngroups>{});
}

} // namespace tapeless::detail

#endif
