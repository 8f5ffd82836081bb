//! @file Defines `plan<Nodes, Outputs>`: the compile-time schedule of an expression DAG (which
//! nodes get buffers, which kernels exist, which loops are fused), computed by constexpr functions
//! over arrays of node facts rather than by recursive templates.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_PLAN_HPP
#define TAPELESS_EVAL_PLAN_HPP

#include "../detail/type_list.hpp"
#include "../expr/node.hpp"
#include "../graph/symbolic_shape.hpp"

#include <array>
#include <cstddef>

namespace tapeless::detail {

enum class category : unsigned char { leaf, immediate, elementwise, reduction, contraction, layout };

template <class N>
constexpr category category_of() {
    if constexpr (is_leaf_v<N>) return category::leaf;
    else if constexpr (is_scalar_v<N> || is_constant_v<N>) return category::immediate;
    else if constexpr (N::op::kind == op_kind::shape_only) return category::immediate;
    else if constexpr (N::op::kind == op_kind::elementwise) return category::elementwise;
    else if constexpr (N::op::kind == op_kind::reduction) return category::reduction;
    else if constexpr (N::op::kind == op_kind::contraction) return category::contraction;
    else return category::layout;
}

inline constexpr std::size_t max_arity = 3;

//! What the planner knows of one node, as plain constexpr data.
struct node_info {
    category cat{};
    std::size_t nargs = 0;
    std::size_t arg[max_arity]{npos, npos, npos};
    bool reads[max_arity]{};
    bool unit = false;          // statically 1 x 1
    std::size_t dom = npos;     // id of the symbolic loop domain (elementwise, reduction)
    std::size_t dom_node = npos; // a node whose shape is that domain
    bool output = false;
    bool is_sum = false;        // reduction to 1 x 1 (a register accumulator)
    int cost = 0;
};

// The loop domain of an elementwise node is its own shape; of a reduction, its domain argument's.
template <class N>
struct domain_of {
    using type = void;
    using node = void;
};
template <class N>
    requires(category_of<N>() == category::elementwise)
struct domain_of<N> {
    using type = sym::shape_t<N>;
    using node = N;
};
template <class N>
    requires(category_of<N>() == category::reduction)
struct domain_of<N> {
    using node = arg_t<N::op::domain_arg, N>;
    using type = sym::shape_t<node>;
};

template <class N, class Nodes, class Domains, class Outputs>
constexpr node_info info_of() {
    node_info f;
    f.cat = category_of<N>();
    f.unit = N::static_shape.rows == 1 && N::static_shape.cols == 1;
    f.output = contains_v<N, Outputs>;
    if constexpr (is_node_v<N>) {
        f.nargs = N::arity;
        f.cost = N::op::cost;
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((f.arg[K] = index_of_v<arg_t<K, N>, Nodes>, f.reads[K] = N::op::reads(K)), ...);
        }(std::make_index_sequence<N::arity>{});
        if constexpr (!std::is_void_v<typename domain_of<N>::type>) {
            f.dom = index_of_v<typename domain_of<N>::type, Domains>;
            f.dom_node = index_of_v<typename domain_of<N>::node, Nodes>;
        }
        if constexpr (category_of<N>() == category::reduction) f.is_sum = N::op::shape == shape_rule::scalar;
    }
    return f;
}

//! How a loop body obtains a value.
enum class entry_role : unsigned char {
    compute,   // applied in the body from earlier entries
    load,      // read from a buffer at (i, j), broadcasting by strides
    unit_load, // a 1 x 1 buffer, read once before the loop
    immediate, // a scalar, constant or shape-derived value, known before the loop
};

struct group_info {
    bool gemm = false;
    std::size_t node = npos;     // gemm: the product; loop: the domain node
    std::size_t dom = npos;
    std::size_t mbegin = 0, mend = 0; // members[mbegin, mend)
    std::size_t cbegin = 0, cend = 0; // closure[cbegin, cend)
};

// Elementwise nodes recomputed in every kernel that reads them, unless an inline chain grows past
// this many flops per element: rematerialising `x·w + b` is cheaper than storing it and reading
// it back (one write and one read of an N x H matrix saved per step in the seed).
inline constexpr int max_inline_cost = 8;

template <std::size_t N>
struct analysis {
    std::array<node_info, N> info{};
    std::array<bool, N> live{}, buffer{};
    std::array<std::size_t, N> uses{}, group_of{}, last_use{};
    std::array<std::size_t, N> gemm_a{}, gemm_b{};
    std::array<bool, N> ta{}, tb{};
    std::size_t ngroups = 0;
    std::array<group_info, N + 1> groups{};
    std::array<std::size_t, N + 1> members{};
    std::size_t nclosure = 0;
    std::array<std::size_t, 4 * N + 4> closure{};
    std::array<entry_role, 4 * N + 4> role{};
    bool unsupported_layout = false;

    constexpr bool loop_kernel(std::size_t i) const {
        return buffer[i] && (info[i].cat == category::elementwise || info[i].cat == category::reduction);
    }
    constexpr bool inline_node(std::size_t i) const {
        return info[i].cat == category::elementwise && !buffer[i];
    }
    //! Position of node j in group g's closure.
    constexpr std::size_t pos(std::size_t g, std::size_t j) const {
        for (std::size_t c = groups[g].cbegin; c < groups[g].cend; ++c)
            if (closure[c] == j) return c - groups[g].cbegin;
        return npos;
    }
};

template <std::size_t N>
constexpr analysis<N> analyze(std::array<node_info, N> const& info) {
    analysis<N> a;
    a.info = info;
    for (std::size_t i = N; i-- > 0;) {
        if (info[i].output) a.live[i] = true;
        if (!a.live[i]) continue;
        for (std::size_t k = 0; k < info[i].nargs; ++k)
            if (info[i].reads[k]) a.live[info[i].arg[k]] = true;
    }
    std::array<bool, N> needs_buffer{};
    for (std::size_t i = 0; i < N; ++i) {
        if (!a.live[i]) continue;
        for (std::size_t k = 0; k < info[i].nargs; ++k)
            if (info[i].reads[k]) ++a.uses[info[i].arg[k]];
        if (info[i].cat == category::contraction) {
            for (std::size_t k = 0; k < 2; ++k) {
                std::size_t j = info[i].arg[k];
                bool t = false;
                while (info[j].cat == category::layout) { j = info[j].arg[0]; t = !t; }
                needs_buffer[j] = true;
                (k == 0 ? a.gemm_a : a.gemm_b)[i] = j;
                (k == 0 ? a.ta : a.tb)[i] = t;
            }
        } else {
            for (std::size_t k = 0; k < info[i].nargs; ++k)
                if (info[i].reads[k] && info[info[i].arg[k]].cat == category::layout)
                    a.unsupported_layout = true;
        }
    }
    std::array<int, N> icost{};
    for (std::size_t i = 0; i < N; ++i) {
        if (!a.live[i]) continue;
        switch (info[i].cat) {
        case category::leaf:
        case category::contraction:
        case category::reduction: a.buffer[i] = true; break;
        case category::elementwise: {
            icost[i] = info[i].cost;
            for (std::size_t k = 0; k < info[i].nargs; ++k)
                if (info[i].reads[k] && a.inline_node(info[i].arg[k])) icost[i] += icost[info[i].arg[k]];
            a.buffer[i] = info[i].output || needs_buffer[i] || info[i].unit ||
                          (a.uses[i] > 1 && icost[i] > max_inline_cost);
            break;
        }
        default: break;
        }
    }
    // Kernels in topological order. A loop kernel joins the first loop group at or after the
    // point where its inputs are ready that iterates over the same symbolic domain.
    for (std::size_t i = 0; i < N; ++i) {
        a.group_of[i] = npos;
        if (!a.live[i] || !a.buffer[i] || info[i].cat == category::leaf) continue;
        if (info[i].cat == category::contraction) {
            a.groups[a.ngroups] = {true, i, npos};
            a.group_of[i] = a.ngroups++;
            continue;
        }
        std::size_t ready = 0;
        std::array<bool, N> seen{};
        std::array<std::size_t, N> stack{};
        std::size_t top = 0;
        stack[top++] = i;
        while (top) {
            std::size_t u = stack[--top];
            for (std::size_t k = 0; k < info[u].nargs; ++k) {
                std::size_t j = info[u].arg[k];
                if (!info[u].reads[k] || seen[j]) continue;
                seen[j] = true;
                if (a.inline_node(j)) { stack[top++] = j; continue; }
                if (a.group_of[j] == npos) continue; // leaves and immediates
                std::size_t g = a.group_of[j];
                bool same_pass = !a.groups[g].gemm && info[j].cat == category::elementwise &&
                                 a.groups[g].dom == info[i].dom;
                std::size_t r = same_pass ? g : g + 1;
                if (r > ready) ready = r;
            }
        }
        std::size_t g = ready;
        while (g < a.ngroups && (a.groups[g].gemm || a.groups[g].dom != info[i].dom)) ++g;
        if (g == a.ngroups) a.groups[a.ngroups++] = {false, info[i].dom_node, info[i].dom};
        a.group_of[i] = g;
    }
    // Members and closures, group by group, each in topological order.
    std::size_t m = 0;
    for (std::size_t g = 0; g < a.ngroups; ++g) {
        a.groups[g].mbegin = m;
        for (std::size_t i = 0; i < N; ++i)
            if (a.group_of[i] == g) a.members[m++] = i;
        a.groups[g].mend = m;
        if (a.groups[g].gemm) continue;
        std::array<bool, N> need{};
        for (std::size_t i = N; i-- > 0;) {
            bool member = a.group_of[i] == g;
            if (!member && !need[i]) continue;
            bool expand = member || a.inline_node(i);
            if (!expand) continue;
            for (std::size_t k = 0; k < info[i].nargs; ++k)
                if (info[i].reads[k]) need[info[i].arg[k]] = true;
        }
        a.groups[g].cbegin = a.nclosure;
        for (std::size_t i = 0; i < N; ++i) {
            bool member = a.group_of[i] == g;
            if (!need[i] && !(member && info[i].cat == category::elementwise)) continue;
            entry_role r;
            if (a.inline_node(i) || (member && info[i].cat == category::elementwise)) r = entry_role::compute;
            else if (info[i].cat == category::immediate) r = entry_role::immediate;
            else if (info[i].unit) r = entry_role::unit_load;
            else r = entry_role::load;
            a.closure[a.nclosure] = i;
            a.role[a.nclosure++] = r;
        }
        a.groups[g].cend = a.nclosure;
    }
    // Last group reading each buffer, for workspace reuse; outputs live to the end.
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
        }
    }
    for (std::size_t i = 0; i < N; ++i)
        if (info[i].output) a.last_use[i] = npos;
    return a;
}

template <class Nodes, class Outputs>
struct plan;

//! The schedule of the DAG `Nodes` (topologically ordered) computing `Outputs`.
template <class... Ns, class... Os>
struct plan<type_list<Ns...>, type_list<Os...>> {
    using nodes = type_list<Ns...>;
    using outputs = type_list<Os...>;
    static constexpr std::size_t size = sizeof...(Ns);
    using domains = type_list<typename domain_of<Ns>::type...>;
    static constexpr analysis<size> a = analyze(std::array<node_info, size>{
        info_of<Ns, nodes, domains, outputs>()...});
    static_assert(!a.unsupported_layout,
                  "tapeless: transpose is supported as a matmul operand only in this version");

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
