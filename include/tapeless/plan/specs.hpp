//! @file Defines the kernel specs (`loop_spec`, `gemm_spec`) and the node references (`refs`) a
//! plan gives its kernels.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PLAN_SPECS_HPP
#define TAPELESS_PLAN_SPECS_HPP

#include "state.hpp"

#include <array>
#include <cstddef>

namespace tapeless::detail {

// Kernels are keyed by structure: a spec says what a loop computes, never which nodes it reads
// or writes. Those come from the plan's runtime table of node references (`plan::refs`), so
// every hidden layer of an MLP runs the same few kernels, whatever the depth.

//! One value a fused loop computes per element (see `entry_role`).
struct entry_spec {
    entry_role role{};
    std::size_t op = npos;     // compute: index in the op list
    std::size_t nreads = 0;    // compute: how many arguments the op reads
    std::size_t argpos[max_arity]{}; // compute: closure positions of those arguments
    bool indexes_columns = false;
    bool one_per_row = false; // load: one value per row (r x 1 over wider rows), read once per row
};

//! What a fused loop does with one of its members each element.
struct member_spec {
    bool elementwise = false; // stored
    bool is_sum = false;      // reduced to 1 x 1 in a register
    std::size_t op = npos;    // reductions: index of the reducing op
    std::size_t argpos = 0;   // closure position of the value stored or reduced
    bool per_row = false;     // reduced along each row (r x 1): in a register, stored once per row
};

//! Everything one fused loop needs, as a value: kernels are instantiated on it (a structural
//! template argument) and on the op list, never on the expression types themselves.
template <std::size_t NC, std::size_t NM>
struct loop_spec {
    shape static_domain{};
    entry_spec closure[NC]{};
    member_spec members[NM]{};
};

//! Where a loop kernel finds its nodes in `refs`: the domain node, then per closure entry the
//! node it reads (the argument, for a transposed load) and the node whose shape sets its strides,
//! then the members.
struct loop_refs {
    std::size_t nc, nm;
    static constexpr std::size_t domain = 0;
    constexpr std::size_t node(std::size_t c) const { return 1 + c; }
    constexpr std::size_t shape_node(std::size_t c) const { return 1 + nc + c; }
    constexpr std::size_t member(std::size_t m) const { return 1 + 2 * nc + m; }
    constexpr std::size_t size() const { return 1 + 2 * nc + nm; }
};

//! A product's transposes; its nodes are refs c, a, b.
struct gemm_spec {
    bool ta, tb;
};

template <std::size_t NC, std::size_t NM, std::size_t N>
constexpr loop_spec<NC, NM> make_loop_spec(analysis<N> const& a, std::size_t g) {
    group_info const& gi = a.groups[g];
    loop_spec<NC, NM> s;
    s.static_domain = a.info[gi.node].stat;
    for (std::size_t c = 0; c < NC; ++c) {
        std::size_t n = a.closure[gi.cbegin + c];
        entry_spec& e = s.closure[c];
        e.role = a.role[gi.cbegin + c];
        e.op = a.info[n].op;
        e.nreads = a.info[n].nreads;
        e.indexes_columns = a.info[n].indexes_columns;
        for (std::size_t k = 0; k < e.nreads; ++k) e.argpos[k] = a.argpos[gi.cbegin + c][k];
        // Statically one column, and not provably as wide as the domain: a per-row value.
        e.one_per_row = e.role == entry_role::load && a.info[n].stat.cols == 1 && a.cols(n) != a.cols(gi.node);
    }
    for (std::size_t m = 0; m < NM; ++m) {
        std::size_t n = a.members[gi.mbegin + m];
        member_spec& ms = s.members[m];
        ms.elementwise = a.info[n].cat == category::elementwise;
        ms.is_sum = a.info[n].is_sum;
        ms.op = a.info[n].op;
        ms.argpos = a.member_argpos[gi.mbegin + m];
        ms.per_row = !ms.elementwise && !ms.is_sum && a.info[n].stat.cols == 1 && a.rows(n) == a.rows(gi.node) &&
                     a.cols(n) != a.cols(gi.node);
    }
    return s;
}

//! How many node references group g's kernel has (see `loop_refs`; a GEMM has c, a, b; a custom
//! kernel its value and one per argument slot).
template <std::size_t N>
constexpr std::size_t group_refs(analysis<N> const& a, std::size_t g) {
    group_info const& gi = a.groups[g];
    return gi.custom             ? 1 + max_arity
           : gi.gemm || gi.call ? 3
                                : loop_refs{gi.cend - gi.cbegin, gi.mend - gi.mbegin}.size();
}
//! The node references of every kernel, group after group.
template <std::size_t N>
constexpr std::size_t refs_size(analysis<N> const& a) {
    std::size_t r = 0;
    for (std::size_t g = 0; g < a.ngroups; ++g) r += group_refs(a, g);
    return r;
}
template <std::size_t R, std::size_t N>
constexpr std::array<std::size_t, R + 1> make_refs(analysis<N> const& a) {
    std::array<std::size_t, R + 1> r{};
    std::size_t at = 0;
    for (std::size_t g = 0; g < a.ngroups; ++g) {
        group_info const& gi = a.groups[g];
        if (gi.gemm) {
            r[at++] = gi.node;
            r[at++] = a.gemm_a[gi.node];
            r[at++] = a.gemm_b[gi.node];
            continue;
        }
        if (gi.custom) { // its value, then its arguments (an absent one: the value again)
            r[at++] = gi.node;
            for (std::size_t k = 0; k < max_arity; ++k)
                r[at++] = k < a.info[gi.node].nargs ? a.info[gi.node].arg[k] : gi.node;
            continue;
        }
        if (gi.call) { // the call's value, its first argument, its last
            r[at++] = gi.node;
            r[at++] = a.info[gi.node].arg[0];
            r[at++] = a.info[gi.node].arg[a.info[gi.node].nargs - 1];
            continue;
        }
        loop_refs l{gi.cend - gi.cbegin, gi.mend - gi.mbegin};
        r[at + l.domain] = gi.node;
        for (std::size_t c = 0; c < l.nc; ++c) {
            std::size_t n = a.closure[gi.cbegin + c];
            r[at + l.node(c)] = a.role[gi.cbegin + c] == entry_role::load_transposed ? a.info[n].arg[0] : n;
            r[at + l.shape_node(c)] = n;
        }
        for (std::size_t m = 0; m < l.nm; ++m) r[at + l.member(m)] = a.members[gi.mbegin + m];
        at += l.size();
    }
    return r;
}

} // namespace tapeless::detail

#endif
