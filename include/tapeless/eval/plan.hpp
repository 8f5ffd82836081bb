//! @file Defines `plan<Derived>`: the compile-time schedule of a derived graph of records (which
//! nodes get buffers, which kernels exist, which loops are fused), computed by constexpr functions
//! over arrays of node facts rather than by recursive templates.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_PLAN_HPP
#define TAPELESS_EVAL_PLAN_HPP

#include "../detail/type_list.hpp"
#include "../expr/node.hpp"
#include "../config.hpp"
#include "../ops/expand.hpp"
#include "../graph/derive.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace tapeless::detail {

enum class category : unsigned char { leaf, immediate, elementwise, reduction, contraction, layout };

//! What the planner knows of one node, as plain constexpr data.
struct node_info {
    category cat{};
    std::size_t nargs = 0;
    std::size_t arg[max_arity]{npos, npos, npos};
    bool reads[max_arity]{};
    bool unit = false;          // statically 1 x 1
    shape stat{};               // static shape (extents may be `dynamic`)
    shape_rule rule{};
    std::size_t dom_node = npos; // the node whose shape is this kernel's loop domain
    bool output = false;
    bool is_sum = false;        // reduction to 1 x 1 (a register accumulator)
    bool indexes_columns = false; // its value is the column index (no flat loops)
    bool copies = false;        // equals its first argument when the shapes agree (expand, sum_to)
    int cost = 0;
    std::size_t op = npos;      // index of the node's op tag in the plan's op list
    std::size_t nreads = 0;     // leading arguments an elementwise op reads
    char const* name = "";      // the op's name, for runtime shape errors
    double constant = 0;        // value of a constant leaf
    bool counts = false;        // an inv_count: 1/count(arg) from the shape
    count_of count{};
};

//! How a loop body obtains a value.
enum class entry_role : unsigned char {
    compute,   // applied in the body from earlier entries
    load,      // read from a buffer at (i, j), broadcasting by strides
    unit_load, // a 1 x 1 buffer, read once before the loop
    load_transposed, // a transpose: read from its argument's buffer with swapped strides
    immediate, // a scalar, constant or shape-derived value, known before the loop
};

struct group_info {
    bool gemm = false;
    std::size_t node = npos;          // gemm: the product; loop: the domain node
    std::size_t dom_r = npos, dom_c = npos; // extent classes of the loop domain
    std::size_t mbegin = 0, mend = 0; // members[mbegin, mend)
    std::size_t cbegin = 0, cend = 0; // closure[cbegin, cend)
};

// Elementwise nodes recomputed in every kernel that reads them, unless an inline chain grows past
// this many flops per element: rematerialising `x·w + b` is cheaper than storing it and reading
// it back (one write and one read of an N x H matrix saved per step in the seed).
inline constexpr int max_inline_cost = 8;

//! The planner's state: node facts in, kernels out. Filled by the named passes `plan` runs in order, each
//! linear in nodes and edges (or n log n): the constant evaluator is slow and g++ caps its
//! operation count, so a pass that rescans every node per node stops deep networks compiling.
template <std::size_t N>
struct analysis {
    std::array<node_info, N> info{};
    std::array<std::size_t, 2 * N> extent{}; // class of (node, dim): equal classes, equal extents
    std::array<bool, N> live{}, buffer{}, alias{}, needs_buffer{};
    std::array<std::size_t, N> uses{}, group_of{}, last_use{};
    std::array<std::size_t, N> gemm_a{}, gemm_b{};
    std::array<bool, N> ta{}, tb{};
    std::size_t ngroups = 0;
    std::array<group_info, N + 1> groups{};
    std::array<std::size_t, N + 1> members{};
    std::array<std::size_t, N + 1> member_argpos{}; // closure position of what a member stores
    std::size_t nclosure = 0;
    std::array<std::size_t, 4 * N + 4> closure{};
    std::array<entry_role, 4 * N + 4> role{};
    std::array<std::array<std::size_t, max_arity>, 4 * N + 4> argpos{}; // compute entries' arguments
    bool unsupported_layout = false;

    constexpr std::size_t rows(std::size_t i) const { return extent[2 * i]; }
    constexpr std::size_t cols(std::size_t i) const { return extent[2 * i + 1]; }
    constexpr bool same_shape(std::size_t i, std::size_t j) const {
        return rows(i) == rows(j) && cols(i) == cols(j);
    }
    constexpr bool loop_kernel(std::size_t i) const {
        return buffer[i] && !alias[i] &&
               (info[i].cat == category::elementwise || info[i].cat == category::reduction);
    }
    constexpr bool inline_node(std::size_t i) const {
        return info[i].cat == category::elementwise && !buffer[i];
    }
    constexpr bool member_of(std::size_t g, std::size_t i) const { return group_of[i] == g && !alias[i]; }
};

// Extent classes by union-find over (node, dim) slots: an op's shape rule says which extents are
// equal whatever the leaves hold (a matmul's inner extents, a result's rows and its first operand's).
// Equal classes let the planner fuse loops and drop copies with runtime extents, at compile time.
template <std::size_t N>
constexpr std::array<std::size_t, 2 * N> extent_classes(std::array<node_info, N> const& info) {
    std::array<std::size_t, 2 * N> parent{};
    for (std::size_t k = 0; k < 2 * N; ++k) parent[k] = k;
    auto find = [&](std::size_t k) {
        while (parent[k] != k) k = parent[k] = parent[parent[k]];
        return k;
    };
    auto unite = [&](std::size_t a, std::size_t b) {
        a = find(a), b = find(b);
        if (a != b) parent[a > b ? a : b] = a < b ? a : b;
    };
    auto ext = [&](std::size_t i, int d) { return d ? info[i].stat.cols : info[i].stat.rows; };
    // Equal static extents share a class: sort the slots by extent, unite neighbours.
    std::array<std::size_t, 2 * N> by_extent{};
    std::size_t nstatic = 0;
    for (std::size_t k = 0; k < 2 * N; ++k)
        if (ext(k / 2, int(k % 2)) != dynamic) by_extent[nstatic++] = k;
    std::sort(by_extent.begin(), by_extent.begin() + nstatic, [&](std::size_t x, std::size_t y) {
        return ext(x / 2, int(x % 2)) < ext(y / 2, int(y % 2));
    });
    for (std::size_t k = 1; k < nstatic; ++k)
        if (ext(by_extent[k] / 2, int(by_extent[k] % 2)) == ext(by_extent[k - 1] / 2, int(by_extent[k - 1] % 2)))
            unite(by_extent[k], by_extent[k - 1]);
    // Two passes: a union found late (a matmul's inner extents) can settle an earlier broadcast.
    for (int pass = 0; pass < 2; ++pass)
        for (std::size_t i = 0; i < N; ++i) {
            node_info const& f = info[i];
            if (f.nargs == 0) continue;
            std::size_t const* a = f.arg;
            switch (f.rule) {
            case shape_rule::matmul:
                unite(2 * i, 2 * a[0]);
                unite(2 * i + 1, 2 * a[1] + 1);
                unite(2 * a[0] + 1, 2 * a[1]);
                break;
            case shape_rule::transpose:
                unite(2 * i, 2 * a[0] + 1);
                unite(2 * i + 1, 2 * a[0]);
                break;
            case shape_rule::column: unite(2 * i, 2 * a[0]); break;
            case shape_rule::row: unite(2 * i + 1, 2 * a[0] + 1); break;
            case shape_rule::like_last:
                unite(2 * i, 2 * a[f.nargs - 1]);
                unite(2 * i + 1, 2 * a[f.nargs - 1] + 1);
                break;
            case shape_rule::broadcast:
                for (std::size_t d = 0; d < 2; ++d) {
                    // The result takes the one class among arguments not statically 1; between
                    // two dynamic classes it is their broadcast, a class of its own.
                    std::size_t pick = npos;
                    bool many = false;
                    for (std::size_t k = 0; k < f.nargs; ++k) {
                        if (!f.reads[k] || ext(a[k], int(d)) == 1) continue;
                        std::size_t c = find(2 * a[k] + d);
                        if (pick == npos) pick = c;
                        else if (find(pick) != c) many = true;
                    }
                    if (pick != npos && !many) unite(2 * i + d, pick);
                }
                break;
            case shape_rule::scalar: break; // static 1 x 1: already classed
            }
        }
    for (std::size_t k = 0; k < 2 * N; ++k) parent[k] = find(k);
    return parent;
}

//! Live nodes: those an output reads, directly or not.
template <std::size_t N>
constexpr void mark_live(analysis<N>& a) {
    for (std::size_t i = N; i-- > 0;) {
        if (a.info[i].output) a.live[i] = true;
        if (!a.live[i]) continue;
        for (std::size_t k = 0; k < a.info[i].nargs; ++k)
            if (a.info[i].reads[k]) a.live[a.info[i].arg[k]] = true;
    }
}

//! Use counts, GEMM operands (transposes peeled into flags) and the values that must be in memory
//! because a GEMM or a transposed load reads them.
template <std::size_t N>
constexpr void find_operands(analysis<N>& a) {
    auto const& info = a.info;
    for (std::size_t i = 0; i < N; ++i) {
        if (!a.live[i]) continue;
        for (std::size_t k = 0; k < info[i].nargs; ++k)
            if (info[i].reads[k]) ++a.uses[info[i].arg[k]];
        if (info[i].cat == category::contraction) {
            for (std::size_t k = 0; k < 2; ++k) {
                std::size_t j = info[i].arg[k];
                bool t = false;
                while (info[j].cat == category::layout) { j = info[j].arg[0]; t = !t; }
                a.needs_buffer[j] = true;
                (k == 0 ? a.gemm_a : a.gemm_b)[i] = j;
                (k == 0 ? a.ta : a.tb)[i] = t;
            }
        } else if (info[i].cat != category::immediate) {
            // A transpose read by a loop is a strided load from its argument's buffer.
            for (std::size_t k = 0; k < info[i].nargs; ++k) {
                std::size_t j = info[i].arg[k];
                if (!info[i].reads[k] || info[j].cat != category::layout) continue;
                if (info[info[j].arg[0]].cat == category::layout) a.unsupported_layout = true;
                a.needs_buffer[info[j].arg[0]] = true;
            }
        }
    }
}

//! Which values get a buffer: leaves, products, outputs, GEMM operands (immediates included), 1 x 1 values, and shared
//! elementwise chains too costly to recompute. Copies between equal shapes alias their argument.
template <std::size_t N>
constexpr void choose_buffers(analysis<N>& a) {
    auto const& info = a.info;
    std::array<int, N> icost{};
    for (std::size_t i = 0; i < N; ++i) {
        if (!a.live[i]) continue;
        switch (info[i].cat) {
        case category::leaf:
        case category::contraction: a.buffer[i] = true; break;
        // A value known at bind that a GEMM reads (the 1 seeding sum(a·b)) is written into a
        // buffer of its own when the step is bound: the planner decides, not the adjoint rules.
        case category::immediate: a.buffer[i] = a.needs_buffer[i]; break;
        case category::reduction:
        case category::elementwise: {
            a.buffer[i] = true;
            // expand and sum_to between equal shapes are copies: share the argument's buffer.
            std::size_t x = info[i].arg[0];
            if (info[i].copies && a.same_shape(i, x) && a.same_shape(i, info[i].dom_node) && a.buffer[x]) {
                a.alias[i] = true;
                break;
            }
            if (info[i].cat == category::reduction) break;
            icost[i] = info[i].cost;
            for (std::size_t k = 0; k < info[i].nargs; ++k)
                if (info[i].reads[k] && a.inline_node(info[i].arg[k])) icost[i] += icost[info[i].arg[k]];
            a.buffer[i] = info[i].output || a.needs_buffer[i] || info[i].unit ||
                          (a.uses[i] > 1 && icost[i] > max_inline_cost);
            break;
        }
        default: break;
        }
    }
}

//! Kernels in topological order. A loop kernel joins the first loop group at or after the point
//! where its inputs are ready that iterates over the same domain. Each node walks only its inline
//! cone (scratch marks are stamped with the node, never cleared), and groups of one domain are
//! chained, searched back from the newest.
template <std::size_t N>
constexpr void form_groups(analysis<N>& a) {
    auto const& info = a.info;
    std::array<std::size_t, N> seen{}, stack{};       // seen[j] == i + 1: visited from node i
    std::array<std::size_t, N + 1> prev_same{};        // previous group of the same domain
    std::array<std::size_t, 2 * N> newest{};           // by row class: newest group per (row, col) chain
    for (auto& g : newest) g = npos;
    auto newest_of = [&](std::size_t dr, std::size_t dc) {
        // Chains are keyed by row class; a chain mixes column classes, so skip the others.
        std::size_t g = newest[dr];
        while (g != npos && a.groups[g].dom_c != dc) g = prev_same[g];
        return g;
    };
    for (std::size_t i = 0; i < N; ++i) {
        a.group_of[i] = npos;
        // Leaves and buffered immediates are written before any kernel runs.
        if (!a.live[i] || !a.buffer[i] || info[i].cat == category::leaf || info[i].cat == category::immediate)
            continue;
        if (a.alias[i]) {
            a.group_of[i] = a.group_of[info[i].arg[0]];
            continue;
        }
        if (info[i].cat == category::contraction) {
            a.groups[a.ngroups] = {true, i};
            a.group_of[i] = a.ngroups++;
            continue;
        }
        std::size_t d = info[i].dom_node, dr = a.rows(d), dc = a.cols(d);
        std::size_t ready = 0, top = 0;
        stack[top++] = i;
        while (top) {
            std::size_t u = stack[--top];
            for (std::size_t k = 0; k < info[u].nargs; ++k) {
                std::size_t j = info[u].arg[k];
                if (!info[u].reads[k] || seen[j] == i + 1) continue;
                seen[j] = i + 1;
                if (a.inline_node(j)) { stack[top++] = j; continue; }
                bool transposed = info[j].cat == category::layout;
                if (transposed) j = info[j].arg[0];
                if (a.group_of[j] == npos) continue; // leaves and immediates
                std::size_t g = a.group_of[j];
                // Same element, same iteration: a member of a group that loops over this domain.
                bool same_pass = !transposed && !a.alias[j] && !a.groups[g].gemm &&
                                 info[j].cat == category::elementwise && a.groups[g].dom_r == dr &&
                                 a.groups[g].dom_c == dc;
                std::size_t r = same_pass ? g : g + 1;
                if (r > ready) ready = r;
            }
        }
        // The earliest group of this domain at or after `ready`, searched back from the newest.
        std::size_t pick = npos;
        for (std::size_t g = newest_of(dr, dc); g != npos && g >= ready; g = prev_same[g])
            if (a.groups[g].dom_c == dc) pick = g;
        if (pick == npos) {
            pick = a.ngroups++;
            a.groups[pick] = {false, d, dr, dc};
            prev_same[pick] = newest[dr];
            newest[dr] = pick;
        }
        a.group_of[i] = pick;
    }
}

//! Each group's members (bucketed by group, in topological order) and each loop's closure: the
//! values its body reads, found by a walk from the members through inline nodes, then sorted.
template <std::size_t N>
constexpr void form_closures(analysis<N>& a) {
    auto const& info = a.info;
    std::array<std::size_t, N + 2> start{};
    for (std::size_t i = 0; i < N; ++i)
        if (a.group_of[i] != npos && !a.alias[i]) ++start[a.group_of[i] + 1];
    for (std::size_t g = 0; g < a.ngroups; ++g) {
        start[g + 1] += start[g];
        a.groups[g].mbegin = start[g];
        a.groups[g].mend = start[g + 1];
    }
    {
        std::array<std::size_t, N + 1> fill{};
        for (std::size_t i = 0; i < N; ++i)
            if (a.group_of[i] != npos && !a.alias[i]) {
                std::size_t g = a.group_of[i];
                a.members[start[g] + fill[g]++] = i;
            }
    }
    std::array<std::size_t, N> need{}, stack{}, cpos{}; // need[j] == g + 1: in group g's closure
    for (std::size_t g = 0; g < a.ngroups; ++g) {
        group_info& gi = a.groups[g];
        if (gi.gemm) continue;
        gi.cbegin = a.nclosure;
        std::size_t top = 0;
        for (std::size_t m = gi.mbegin; m < gi.mend; ++m) {
            std::size_t i = a.members[m];
            if (need[i] != g + 1 && info[i].cat == category::elementwise) {
                need[i] = g + 1;
                a.closure[a.nclosure++] = i;
            }
            stack[top++] = i;
        }
        while (top) {
            std::size_t u = stack[--top];
            for (std::size_t k = 0; k < info[u].nargs; ++k) {
                std::size_t j = info[u].arg[k];
                if (!info[u].reads[k] || need[j] == g + 1) continue;
                need[j] = g + 1;
                a.closure[a.nclosure++] = j;
                if (a.inline_node(j)) stack[top++] = j;
            }
        }
        gi.cend = a.nclosure;
        std::sort(a.closure.begin() + gi.cbegin, a.closure.begin() + gi.cend);
        for (std::size_t c = gi.cbegin; c < gi.cend; ++c) {
            std::size_t i = a.closure[c];
            bool member = a.member_of(g, i);
            cpos[i] = c - gi.cbegin;
            entry_role& r = a.role[c];
            if (a.inline_node(i) || (member && info[i].cat == category::elementwise)) r = entry_role::compute;
            else if (info[i].cat == category::immediate) r = entry_role::immediate;
            else if (info[i].cat == category::layout) r = entry_role::load_transposed;
            else if (info[i].unit) r = entry_role::unit_load;
            else r = entry_role::load;
            if (r == entry_role::compute)
                for (std::size_t k = 0; k < info[i].nreads; ++k) a.argpos[c][k] = cpos[info[i].arg[k]];
        }
        for (std::size_t m = gi.mbegin; m < gi.mend; ++m) {
            std::size_t i = a.members[m];
            a.member_argpos[m] = cpos[info[i].cat == category::elementwise ? i : info[i].arg[0]];
        }
    }
}

//! Last group reading each buffer, for workspace reuse; outputs live to the end, and a buffer
//! lives as long as anything aliasing it.
template <std::size_t N>
constexpr void find_lifetimes(analysis<N>& a) {
    auto const& info = a.info;
    for (std::size_t i = 0; i < N; ++i) a.last_use[i] = a.group_of[i];
    for (std::size_t g = 0; g < a.ngroups; ++g) {
        if (a.groups[g].gemm) {
            std::size_t p = a.groups[g].node;
            a.last_use[a.gemm_a[p]] = g;
            a.last_use[a.gemm_b[p]] = g;
        } else {
            for (std::size_t c = a.groups[g].cbegin; c < a.groups[g].cend; ++c)
                if (a.role[c] == entry_role::load || a.role[c] == entry_role::unit_load)
                    a.last_use[a.closure[c]] = g;
                else if (a.role[c] == entry_role::load_transposed)
                    a.last_use[info[a.closure[c]].arg[0]] = g;
        }
    }
    for (std::size_t i = 0; i < N; ++i)
        if (info[i].output) a.last_use[i] = npos;
    for (std::size_t i = N; i-- > 0;)
        if (a.alias[i]) {
            std::size_t& x = a.last_use[info[i].arg[0]];
            if (a.last_use[i] == npos || (x != npos && a.last_use[i] > x)) x = a.last_use[i];
        }
}

//! The planner's first state: the node facts and their extent classes.
template <std::size_t N>
constexpr analysis<N> facts_and_extents(std::array<node_info, N> const& info) {
    analysis<N> a;
    a.info = info;
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

//! How many node references group g's kernel has (see `loop_refs`; a GEMM has c, a, b).
template <std::size_t N>
constexpr std::size_t group_refs(analysis<N> const& a, std::size_t g) {
    group_info const& gi = a.groups[g];
    return gi.gemm ? 3 : loop_refs{gi.cend - gi.cbegin, gi.mend - gi.mbegin}.size();
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

//! The facts of record i of a derived graph, as the planner reads them.
template <std::size_t M, std::size_t NO>
constexpr node_info info_of_record(derived_graph<M, NO> const& d, op_fact const* facts, std::size_t i,
                                   bool const* immediate) {
    record const& r = d.rec[i];
    node_info f;
    f.unit = r.stat == shape{1, 1};
    f.stat = r.stat;
    f.rule = shape_rule::scalar;
    for (std::size_t o : d.out) f.output = f.output || o == i;
    if (r.kind == record_kind::leaf) f.cat = category::leaf;
    else if (immediate[i]) f.cat = category::immediate;
    if (r.kind == record_kind::constant) f.constant = static_cast<double>(r.num) / static_cast<double>(r.den);
    if (r.kind != record_kind::node) return f;
    op_fact const& op = facts[r.op];
    if (!immediate[i]) {
        f.cat = op.kind == op_kind::elementwise ? category::elementwise
                : op.kind == op_kind::reduction ? category::reduction
                : op.kind == op_kind::contraction ? category::contraction
                                                   : category::layout;
    }
    f.rule = op.rule;
    f.nargs = r.nargs;
    f.cost = op.cost;
    for (std::size_t k = 0; k < r.nargs; ++k) {
        f.arg[k] = r.arg[k];
        f.reads[k] = op.reads[k];
    }
    f.dom_node = f.cat == category::reduction ? r.arg[op.domain_arg] : i;
    f.indexes_columns = op.indexes_columns;
    f.copies = op.copies;
    f.is_sum = f.cat == category::reduction && op.rule == shape_rule::scalar;
    f.op = r.op;
    f.name = op.name;
    f.counts = op.counts;
    f.count = op.count;
    if (f.cat == category::elementwise || f.cat == category::immediate)
        while (f.nreads < r.nargs && op.reads[f.nreads]) ++f.nreads;
    return f;
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
    // The planner's passes in order, one constant each (see `after`).
    static constexpr analysis<size> facts = facts_and_extents([] {
        std::array<node_info, size> info{};
        for (std::size_t i = 0; i < size; ++i) info[i] = info_of_record(graph, op_facts<ops>.data(), i, immediates.data());
        return info;
    }());
    static constexpr analysis<size> live = after<size, mark_live<size>>(facts);
    static constexpr analysis<size> operands = after<size, find_operands<size>>(live);
    static constexpr analysis<size> buffers = after<size, choose_buffers<size>>(operands);
    static constexpr analysis<size> grouped = after<size, form_groups<size>>(buffers);
    static constexpr analysis<size> closed = after<size, form_closures<size>>(grouped);
    static constexpr analysis<size> a = after<size, find_lifetimes<size>>(closed);
    static_assert(!a.unsupported_layout, "tapeless: internal: a transpose of a transpose reached the planner");

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
        if constexpr (a.groups[G].gemm) return loop_spec<1, 1>{};
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
};

} // namespace tapeless::detail

#endif
