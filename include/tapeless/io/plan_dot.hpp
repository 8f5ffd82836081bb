//! @file Defines `to_dot(step)`: a compiled step's plan as Graphviz DOT text at its bound extents —
//! one cluster per kernel in run order, the values each computes inside it, which get buffers (and
//! which share another's), their sizes, and the leaves and outputs they flow between.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_PLAN_DOT_HPP
#define TAPELESS_IO_PLAN_DOT_HPP

#include "../graph/rebuild.hpp"
#include "dot.hpp"
#include "plan_facts.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tapeless {

//! The plan of the compiled step `step` as DOT. Each kernel is a cluster ("kernel 1: gemm
//! C = A·B", "kernel 2: loop over 64x50") holding what it computes: a GEMM its product; a loop
//! the values it stores or reduces (solid boxes, with their buffer's extents, bytes and workspace
//! offset in elements) and those it recomputes inline from its arguments (dashed), so an inline
//! value read by two loops appears in both. A value sharing another's buffer (a copy between
//! equal shapes) is drawn next to it, joined by a dotted line. Leaves are drawn as in `to_dot(expr)`,
//! values known at bind (scalars, constants, 1/count) as plain text; outputs have a double border
//! and say what they are ("∂loss/∂w1"). Edges carry values: GEMM operands are labelled A and B,
//! with ᵀ when read transposed.
template <detail::bound_step Step>
std::string to_dot(Step const& step) {
    using plan = typename Step::plan;
    using T = typename Step::value_type;
    using detail::category;
    using detail::dot_quote;
    using detail::npos;
    constexpr auto const& a = plan::a;
    auto const names = detail::defined_names(detail::report_names<detail::nodes_of<plan>>(step.shapes()));
    auto outputs = detail::output_names(step);
    auto costs = detail::kernel_costs(step);
    auto shapes = step.shapes();
    constexpr auto params = []<class... Ns>(detail::type_list<Ns...>) {
        return std::array<bool, sizeof...(Ns)>{is_param_v<Ns>...};
    }(detail::nodes_of<plan>{});
    auto id = [](std::size_t g, std::size_t i) {
        return g == npos ? "n" + std::to_string(i) : "k" + std::to_string(g + 1) + "_n" + std::to_string(i);
    };
    // Where a value is read from outside the kernel computing it; a transpose is its argument.
    auto home = [&](std::size_t j) {
        if (a.info[j].cat == category::layout) j = a.info[j].arg[0];
        return a.info[j].cat == category::leaf || a.info[j].cat == category::immediate ? id(npos, j)
                                                                                       : id(a.group_of[j], j);
    };
    auto transposed = [&](std::size_t j) { return a.info[j].cat == category::layout; };
    auto label = [&](std::size_t i, std::string const& detail_line) {
        std::string s = outputs[i].empty() ? "" : outputs[i] + "\n";
        return dot_quote(s + detail::dot_shorten(names[i]) + (detail_line.empty() ? "" : "\n" + detail_line)) +
               ", tooltip=" + dot_quote(names[i]) + (outputs[i].empty() ? "" : ", peripheries=2");
    };
    auto buffer_line = [&](std::size_t i) {
        std::uint64_t bytes = std::uint64_t(shapes[i].rows) * shapes[i].cols * sizeof(T);
        return detail::extents(shapes[i].rows, shapes[i].cols) + ", " + std::to_string(bytes) + " B @ " +
               std::to_string(step.workspace_offset(i));
    };
    auto edge = [](std::string const& from, std::string const& to, std::string const& attrs = "") {
        return "  " + from + " -> " + to + (attrs.empty() ? "" : " [" + attrs + "]") + ";\n";
    };

    std::string out = detail::graph_header;
    out += "  graph [label=" +
           dot_quote("plan: " + std::to_string(plan::kernel_count) + " kernels, workspace " +
                     std::to_string(std::uint64_t(step.workspace_size()) * sizeof(T)) + " bytes") +
           ", labelloc=t];\n";
    std::string edges, previous;
    // Leaves, and values known at bind with the bind-time values they are computed from.
    for (std::size_t i = 0; i < plan::size; ++i) {
        detail::node_info const& f = a.info[i];
        if (!a.live[i] || (f.cat != category::leaf && f.cat != category::immediate)) continue;
        std::string attrs;
        if (f.cat == category::leaf) {
            bool param = params[i];
            attrs = label(i, std::string(param ? "param " : "input ") + detail::extents(shapes[i].rows, shapes[i].cols)) +
                    (param ? ", shape=box, style=filled, fillcolor=\"#cfe2f3\""
                           : ", shape=ellipse, style=filled, fillcolor=\"#eeeeee\"");
        } else {
            attrs = label(i, plan::wanted[i] ? "at bind, " + buffer_line(i) : "at bind") + ", shape=plaintext";
            for (std::size_t k = 0; k < f.nargs; ++k)
                if (f.reads[k]) edges += edge(home(f.arg[k]), id(npos, i));
        }
        out += "  " + id(npos, i) + " [label=" + attrs + "];\n";
    }
    for (std::size_t g = 0; g < a.ngroups; ++g) {
        auto const& gi = a.groups[g];
        auto const& k = costs[g];
        std::string head = "kernel " + std::to_string(g + 1) + ": " +
                           (gi.gemm     ? "gemm " + detail::gemm_formula(k.ta, k.tb) + " (" +
                                              detail::extents(k.m, k.n) + "x" + std::to_string(k.k) + ")"
                            : gi.single() ? std::string(a.info[gi.node].name) + " (" + detail::extents(k.m, k.n) + ")"
                                          : "loop over " + detail::extents(k.m, k.n)) +
                           "\n" + std::to_string(k.flops) + " FLOPs, " + std::to_string(k.read) + " B read, " +
                           std::to_string(k.written) + " B written";
        out += "  subgraph cluster_k" + std::to_string(g + 1) + " {\n    label=" + dot_quote(head) +
               "; color=\"" + (gi.gemm ? "#4a6fa5" : "#6aa84f") + "\";\n";
        auto in_kernel = [&](std::size_t j) { // computed by this loop, not read from memory
            if (gi.single()) return false;
            for (std::size_t e = gi.cbegin; e < gi.cend; ++e)
                if (a.closure[e] == j) return a.role[e] == detail::entry_role::compute;
            return a.member_of(g, j);
        };
        auto source = [&](std::size_t j) { return in_kernel(j) ? id(g, j) : home(j); };
        auto arrow = [&](std::size_t j, std::size_t to, std::string const& operand = "") {
            std::string attrs = operand.empty() && !transposed(j) ? ""
                                                                   : "label=" + dot_quote(operand + (transposed(j) ? "ᵀ" : ""));
            edges += edge(source(transposed(j) ? a.info[j].arg[0] : j), id(g, to), attrs);
        };
        if (gi.gemm) {
            std::size_t c = gi.node;
            out += "    " + id(g, c) + " [label=" + label(c, buffer_line(c)) + ", shape=box];\n";
            edges += edge(home(a.gemm_a[c]), id(g, c), "label=" + dot_quote(k.ta ? "Aᵀ" : "A"));
            edges += edge(home(a.gemm_b[c]), id(g, c), "label=" + dot_quote(k.tb ? "Bᵀ" : "B"));
        } else if (gi.single()) { // its arguments, read from memory
            std::size_t c = gi.node;
            out += "    " + id(g, c) + " [label=" + label(c, buffer_line(c)) + ", shape=box];\n";
            for (std::size_t j = 0; j < a.info[c].nargs; ++j)
                if (a.info[c].reads[j]) edges += edge(home(a.info[c].arg[j]), id(g, c));
        } else {
            for (std::size_t e = gi.cbegin; e < gi.cend; ++e) {
                std::size_t i = a.closure[e];
                if (a.role[e] != detail::entry_role::compute || a.member_of(g, i)) continue;
                out += "    " + id(g, i) + " [label=" + label(i, "inline") + ", shape=box, style=dashed];\n";
                for (std::size_t r = 0; r < a.info[i].nreads; ++r) arrow(a.info[i].arg[r], i);
            }
            for (std::size_t m = gi.mbegin; m < gi.mend; ++m) {
                std::size_t i = a.members[m];
                // A sum_to onto the domain's own shape stores; smaller, it reduces.
                bool reduces = a.info[i].cat == category::reduction &&
                               std::uint64_t(shapes[i].rows) * shapes[i].cols < std::uint64_t(k.m) * k.n;
                out += "    " + id(g, i) + " [label=" + label(i, (reduces ? "reduced, " : "") + buffer_line(i)) +
                       ", shape=box];\n";
                if (a.info[i].cat == category::reduction) arrow(a.info[i].arg[0], i);
                else
                    for (std::size_t r = 0; r < a.info[i].nreads; ++r) arrow(a.info[i].arg[r], i);
            }
        }
        // Values sharing a buffer computed here: drawn beside its owner.
        for (std::size_t i = 0; i < plan::size; ++i)
            if (plan::alias_of[i] != npos && a.group_of[i] == g) {
                out += "    " + id(g, i) + " [label=" +
                       label(i, "shares the buffer of " + detail::dot_shorten(names[plan::alias_of[i]], 24)) +
                       ", shape=box, style=rounded];\n";
                edges += edge(id(g, plan::alias_of[i]), id(g, i), "style=dotted, arrowhead=none");
            }
        out += "  }\n";
        // Kernels top to bottom in run order, whatever the data edges say.
        std::string first = id(g, gi.single() ? gi.node : a.members[gi.mbegin]);
        if (!previous.empty()) edges += edge(previous, first, "style=invis");
        previous = first;
    }
    return out + edges + "}\n";
}

} // namespace tapeless

#endif
