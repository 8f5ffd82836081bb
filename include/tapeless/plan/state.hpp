//! @file Defines `analysis<N>`, the planner's state (node facts in, kernels out), and
//! `node_info`, what it knows of one node, with `info_of_record`, which reads it off a derived graph.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PLAN_STATE_HPP
#define TAPELESS_PLAN_STATE_HPP

#include "../detail/type_list.hpp"
#include "../graph/derive.hpp"
#include "../ops/traits.hpp"

#include <array>
#include <cstddef>

namespace tapeless::detail {

enum class category : unsigned char { leaf, immediate, elementwise, reduction, contraction, layout, call, custom };

//! What the planner knows of one node, as plain constexpr data.
struct node_info {
    category cat{};
    std::size_t nargs = 0;
    std::size_t arg[max_arity]{npos, npos, npos, npos};
    bool reads[max_arity]{};
    bool unit = false;          // statically 1 x 1
    shape stat{};               // static shape (extents may be `dynamic`)
    shape_rule rule{};
    std::size_t dom_node = npos; // the node whose shape is this kernel's loop domain
    bool output = false;
    bool forward = false;       // part of the loss's own graph (not of a gradient)
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
    char const* (*check)(shape const*, std::size_t) = nullptr; // the op's own bind-time check
};

//! How a loop body obtains a value.
enum class entry_role : unsigned char {
    compute,   // applied in the body from earlier entries
    load,      // read from a buffer at (i, j), broadcasting by strides
    unit_load, // a 1 x 1 buffer, read once before the loop
    load_transposed, // a transpose: read from its argument's buffer with swapped strides
    immediate, // a scalar, constant or shape-derived value, known before the loop
};

//! Which `repeat` of a step a call kernel runs (npos: none) and whether it runs the layers backward.
struct kernel_call {
    std::size_t repeat = npos;
    bool backward = false;
};

struct group_info {
    bool gemm = false;
    bool call = false;                // a kernel that runs a plan of its own (`op_kind::call`)
    bool custom = false;              // a kernel the op defines (`op_kind::custom`)
    std::size_t node = npos;          // gemm: the product; loop: the domain node
    std::size_t dom_r = npos, dom_c = npos; // extent classes of the loop domain
    std::size_t mbegin = 0, mend = 0; // members[mbegin, mend)
    std::size_t cbegin = 0, cend = 0; // closure[cbegin, cend)
    //! Not a fused loop: one op on whole buffers (a product, a call, a custom kernel).
    constexpr bool single() const { return gemm || call || custom; }
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
    // Phases kept apart: no gradient node joins a kernel of the forward pass, so kernels
    // [0, forward_groups) compute the loss's graph alone (a `repeat` block runs them per layer
    // forward, the rest per layer backward).
    bool split_phases = false;
    std::size_t forward_groups = 0;

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

//! The facts of record i of a derived graph, as the planner reads them; `output`: whether it is
//! the loss or a gradient (marked once for all records: a scan of the outputs per record cost
//! records x parameters constexpr steps, more than clang allows at 128 layers).
template <std::size_t M, std::size_t NO>
constexpr node_info info_of_record(derived_graph<M, NO> const& d, op_fact const* facts, std::size_t i,
                                   bool const* immediate, bool output) {
    record const& r = d.rec[i];
    node_info f;
    f.unit = r.stat == shape{1, 1};
    f.stat = r.stat;
    f.rule = shape_rule::scalar;
    f.output = output;
    f.forward = d.forward[i];
    if (r.kind == record_kind::leaf) f.cat = category::leaf;
    else if (immediate[i]) f.cat = category::immediate;
    if (r.kind == record_kind::constant) f.constant = static_cast<double>(r.num) / static_cast<double>(r.den);
    if (r.kind != record_kind::node) return f;
    op_fact const& op = facts[r.op];
    if (!immediate[i]) {
        f.cat = op.kind == op_kind::elementwise ? category::elementwise
                : op.kind == op_kind::reduction ? category::reduction
                : op.kind == op_kind::contraction ? category::contraction
                : op.kind == op_kind::call        ? category::call
                : op.kind == op_kind::custom      ? category::custom
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
    f.check = op.check;
    f.count = op.count;
    if (f.cat == category::elementwise || f.cat == category::immediate)
        while (f.nreads < r.nargs && op.reads[f.nreads]) ++f.nreads;
    return f;
}

} // namespace tapeless::detail

#endif
