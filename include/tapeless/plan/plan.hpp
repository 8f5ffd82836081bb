//! @file Defines `plan<Derived>`: the compile-time schedule of a derived graph of records (which
//! nodes get buffers, which kernels exist, which loops are fused), computed by the named passes of
//! this folder, one file each, as constexpr functions over arrays of node facts.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PLAN_PLAN_HPP
#define TAPELESS_PLAN_PLAN_HPP

#include "../ops/expand.hpp"
#include "../ops/seed.hpp"
#include "buffers.hpp"
#include "closures.hpp"
#include "extents.hpp"
#include "groups.hpp"
#include "lifetimes.hpp"
#include "live.hpp"
#include "operands.hpp"
#include "specs.hpp"
#include "state.hpp"

#include <array>
#include <cstddef>

namespace tapeless::detail {

//! The planner's first state: the node facts and their extent classes.
template <std::size_t N>
constexpr analysis<N> facts_and_extents(std::array<node_info, N> const& info, bool split_phases) {
    analysis<N> a;
    a.info = info;
    a.split_phases = split_phases;
    a.extent = extent_classes(info);
    return a;
}

//! The state after one more pass. Each pass's result is a constant of its own (see `plan::a`):
//! clang caps the steps of one constant expression (2^20 by default), and the six passes over a
//! 64-block residual network's ~5,000 records took more than that together, not alone.
template <std::size_t N, void (*Pass)(analysis<N>&)>
constexpr analysis<N> after(analysis<N> a) {
    Pass(a);
    return a;
}

//! The schedule of the derived graph `Derived::graph` (records in evaluation order): the loss and
//! the gradients of a `derived<Loss, Wrt...>`.
template <class Derived>
struct plan {
    static constexpr auto const& graph = Derived::graph;
    static constexpr std::size_t size = graph.rec.size();
    using ops = typename Derived::ops;
    using derivation = Derived;
    static constexpr std::array<bool, size + 1> immediates = [] {
        std::array<bool, size + 1> known{};
        for (std::size_t i = 0; i < size; ++i)
            known[i] = immediate(graph.rec[i], op_facts<ops>.data(), index_of_v<op::expand, ops>, known.data());
        return known;
    }();
    //! A vector-Jacobian product (`op::seed` at the root): its forward kernels come first, apart.
    static constexpr bool seeded = [] {
        record const& r = graph.rec[graph.out[0]];
        return r.kind == record_kind::node && r.op == index_of_v<op::seed, ops>;
    }();
    // The planner's passes in order, one constant each (see `after`); the records' facts are one
    // too, apart from their extent classes (together they passed clang's step cap at 128 blocks).
    static constexpr std::array<node_info, size> record_facts = [] {
        std::array<bool, size> output{};
        for (std::size_t o : graph.out) output[o] = true;
        std::array<node_info, size> info{};
        for (std::size_t i = 0; i < size; ++i)
            info[i] = info_of_record(graph, op_facts<ops>.data(), i, immediates.data(), output[i]);
        return info;
    }();
    static constexpr analysis<size> facts = facts_and_extents(record_facts, seeded);
    static constexpr analysis<size> live = after<size, mark_live<size>>(facts);
    static constexpr analysis<size> operands = after<size, find_operands<size>>(live);
    static constexpr analysis<size> buffers = after<size, choose_buffers<size>>(operands);
    static constexpr analysis<size> grouped = after<size, form_groups<size>>(buffers);
    static constexpr analysis<size> closed = after<size, form_closures<size>>(grouped);
    static constexpr analysis<size> a = after<size, find_lifetimes<size>>(closed);
    static_assert(!a.unsupported_layout, "tapeless: internal: a transpose of a transpose reached the planner");
    //! Kernels [0, forward_kernels) compute the loss's own graph and nothing else when `seeded`.
    static constexpr std::size_t forward_kernels = seeded ? a.forward_groups : a.ngroups;
    static_assert([] {
        for (std::size_t i = 0; i < size; ++i)
            if (seeded && a.group_of[i] != npos && !a.alias[i] && (a.group_of[i] < forward_kernels) != a.info[i].forward)
                return false;
        return true;
    }(), "tapeless: internal: a vector-Jacobian product's forward and backward kernels overlap");

    // What binding reads at run time, copied out of `a`: only these tables are emitted into the
    // program, not the whole analysis (its closure tables matter at compile time only).
    static constexpr std::array<node_info, size> info = a.info;
    static constexpr std::array<std::size_t, size> last_use = a.last_use;
    //! The kernel that first writes each node: its group, or 0 for immediates (written at bind).
    static constexpr std::array<std::size_t, size> first_write = [] {
        std::array<std::size_t, size> w{};
        for (std::size_t i = 0; i < size; ++i) w[i] = a.info[i].cat == category::immediate ? 0 : a.group_of[i];
        return w;
    }();
    //! Nodes that get workspace of their own.
    static constexpr std::array<bool, size> wanted = [] {
        std::array<bool, size> w{};
        for (std::size_t i = 0; i < size; ++i)
            w[i] = a.buffer[i] && !a.alias[i] && a.info[i].cat != category::leaf;
        return w;
    }();
    //! Nodes that share their first argument's buffer (npos for the rest).
    static constexpr std::array<std::size_t, size> alias_of = [] {
        std::array<std::size_t, size> r{};
        for (std::size_t i = 0; i < size; ++i) r[i] = a.alias[i] ? a.info[i].arg[0] : npos;
        return r;
    }();

    // Per group, the spec of its kernel; a GEMM group gets a placeholder loop spec and vice versa,
    // so both can be named uniformly (neither placeholder is ever run).
    template <std::size_t G>
    static constexpr auto loop = [] {
        if constexpr (a.groups[G].single()) return loop_spec<1, 1>{};
        else return make_loop_spec<a.groups[G].cend - a.groups[G].cbegin, a.groups[G].mend - a.groups[G].mbegin>(a, G);
    }();
    template <std::size_t G>
    static constexpr gemm_spec gemm =
        a.groups[G].gemm ? gemm_spec{a.ta[a.groups[G].node], a.tb[a.groups[G].node]} : gemm_spec{false, false};

    //! Each kernel's node references, and where group G's begin.
    static constexpr auto refs = make_refs<refs_size(a)>(a);
    static constexpr std::array<std::size_t, a.ngroups + 1> ref_begin = [] {
        std::array<std::size_t, a.ngroups + 1> b{};
        for (std::size_t g = 0; g < a.ngroups; ++g) b[g + 1] = b[g] + group_refs(a, g);
        return b;
    }();

    //! Number of kernels (GEMM calls and fused loops) one evaluation runs.
    static constexpr std::size_t kernel_count = a.ngroups;
    //! Number of GEMM calls among them.
    static constexpr std::size_t gemm_count = [] {
        std::size_t c = 0;
        for (std::size_t g = 0; g < a.ngroups; ++g) c += a.groups[g].gemm;
        return c;
    }();
    //! Number of kernels of an op's own (a `repeat`, a custom op such as `layer_norm`) among them.
    static constexpr std::size_t own_count = [] {
        std::size_t c = 0;
        for (std::size_t g = 0; g < a.ngroups; ++g) c += a.groups[g].call || a.groups[g].custom;
        return c;
    }();
};

} // namespace tapeless::detail

#endif
