//! @file Defines `explain(step)`: a compiled step's plan as a text table at its bound extents —
//! kernels in run order with what each computes, its FLOPs and bytes moved, then every buffer with
//! its size, place and lifetime, and the workspace the step allocated. FLOPs and bytes are counted
//! as `io/plan_facts.hpp` states: GEMM 2·m·n·k; loops one per fused op per element; bytes each
//! buffer read or written once per kernel, caches ignored.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_EXPLAIN_HPP
#define TAPELESS_IO_EXPLAIN_HPP

#include "../graph/rebuild.hpp"
#include "labels.hpp"
#include "plan_facts.hpp"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <string>
#include <string_view>

namespace tapeless {

namespace detail {
// `s` right-aligned in `width` columns (left-aligned if `left`); UTF-8 counted by characters.
inline std::string cell(std::string const& s, std::size_t width, bool left = false) {
    std::size_t chars = 0;
    for (char c : s) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    std::string pad(chars < width ? width - chars : 0, ' ');
    return left ? s + pad : pad + s;
}

// A buffer's last reader as `check_finite` numbers kernels (from 1); "end" for outputs.
inline std::string last_reader(std::size_t g) { return g == npos ? "end" : std::to_string(g + 1); }
} // namespace detail

//! The plan of the compiled step `step` at the extents it is bound with, as a table:
//!
//!     kernel  kind           m x n (x k)       FLOPs  bytes read  bytes written  computes
//!          1  gemm C = A·B     64x50x784     5017600      357504          12800  -> x·w1
//!          2  loop                 64x50        6400       13000          12800  -> relu(x·w1 + b1)
//!                                                                                .. x·w1 + b1
//!
//! (`->` a value the kernel stores or reduces, `..` one it recomputes inline from its arguments)
//!
//! then each buffer (bytes, offset into the workspace in elements, first and last kernel it is
//! live in, what it holds) and the workspace in bytes: the very size the step allocated, buffers
//! whose lifetimes do not overlap sharing space.
template <detail::bound_step Step>
std::string explain(Step const& step) {
    using plan = typename Step::plan;
    using T = typename Step::value_type;
    using detail::cell;
    constexpr auto const& a = plan::a;
    auto const named = detail::report_names<detail::nodes_of<plan>>(step.shapes());
    auto const& names = named.names;
    auto outputs = detail::output_names(step);
    auto costs = detail::kernel_costs(step);
    auto const repeats = detail::step_repeat_costs(step);
    auto repeat_of = [&](std::size_t g) {
        if constexpr (requires { Step::kernel_repeat; }) return Step::kernel_repeat[g];
        else return detail::kernel_call{};
    };
    for (std::size_t g = 0; g < a.ngroups; ++g)
        if (auto w = repeat_of(g); w.repeat != detail::npos) {
            auto const& r = repeats[w.repeat];
            costs[g].flops = (w.backward ? r.backward : r.forward).flops;
            costs[g].read = (w.backward ? r.backward : r.forward).read;
            costs[g].written = (w.backward ? r.backward : r.forward).written;
        }
    auto shapes = step.shapes();
    auto value = [&](std::size_t i) { return outputs[i].empty() ? names[i] : outputs[i] + " = " + names[i]; };

    std::string const own = plan::own_count ? std::to_string(plan::own_count) + " own, " : std::string();
    std::string out = std::to_string(plan::kernel_count) + " kernels (" + std::to_string(plan::gemm_count) +
                      " gemm, " + own + std::to_string(plan::kernel_count - plan::gemm_count - plan::own_count) +
                      " loop), " +
                      (sizeof(T) == 4 ? "float" : "double") + " (" + std::to_string(sizeof(T)) + " bytes)\n";
    out += "kernel  " + cell("kind", 14, true) + cell("m x n (x k)", 12) + cell("FLOPs", 12) +
           cell("bytes read", 12) + cell("bytes written", 15) + "  computes\n";
    std::uint64_t flops = 0, read = 0, written = 0;
    for (std::size_t g = 0; g < a.ngroups; ++g) {
        auto const& gi = a.groups[g];
        auto const& k = costs[g];
        flops += k.flops, read += k.read, written += k.written;
        std::string dims = detail::extents(k.m, k.n) + (k.gemm ? "x" + std::to_string(k.k) : "");
        auto const w = repeat_of(g);
        std::string const kind = k.gemm ? "gemm " + detail::gemm_formula(k.ta, k.tb)
                                 : gi.call   ? std::string(w.backward ? "repeat back" : "repeat") + " x" +
                                                   std::to_string(repeats[w.repeat].layers)
                                 : gi.custom ? std::string(a.info[gi.node].name)
                                             : std::string("loop");
        out += cell(std::to_string(g + 1), 6) + "  " + cell(kind, 14, true) + cell(dims, 12) +
               cell(std::to_string(k.flops), 12) + cell(std::to_string(k.read), 12) +
               cell(std::to_string(k.written), 15) + "  ";
        std::string const indent(6 + 2 + 14 + 12 + 12 + 12 + 15 + 2, ' ');
        if (gi.single()) {
            out += "-> " + value(gi.node) + "\n";
            continue;
        }
        // Stored and reduced values first (`->`), then the values recomputed inline (`..`).
        bool first = true;
        for (std::size_t m = gi.mbegin; m < gi.mend; ++m, first = false)
            out += (first ? "" : indent) + "-> " + value(a.members[m]) + "\n";
        for (std::size_t e = gi.cbegin; e < gi.cend; ++e)
            if (a.role[e] == detail::entry_role::compute && !a.member_of(g, a.closure[e]))
                out += indent + ".. " + names[a.closure[e]] + "\n";
    }
    out += cell("total", 6) + std::string(2 + 14 + 12, ' ') + cell(std::to_string(flops), 12) +
           cell(std::to_string(read), 12) + cell(std::to_string(written), 15) + "\n";
    out += std::string("(FLOPs: gemm 2·m·n·k, loops 1 per op per element") +
           (plan::own_count ? ", an op's own kernel its cost per element" : "") +
           "; bytes: each buffer once per kernel)\n";

    constexpr std::size_t offset_width = plan::seeded ? 14 : 10; // "shared 1024" in a repeat's block
    out += "\nbuffers (offset in elements; kernels: first written .. last read, 0 = at bind)\n";
    out += cell("shape", 12) + cell("bytes", 12) + cell("offset", offset_width) + cell("kernels", 12) + "  value\n";
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < plan::size; ++i) {
        bool alias = plan::alias_of[i] != detail::npos;
        if (!plan::wanted[i] && !alias) continue;
        std::uint64_t bytes = std::uint64_t(shapes[i].rows) * shapes[i].cols * sizeof(T);
        if (!alias) sum += bytes;
        out += cell(detail::extents(shapes[i].rows, shapes[i].cols), 12) + cell(alias ? "-" : std::to_string(bytes), 12) +
               cell((step.in_shared_region(i) ? "shared " : "") + std::to_string(step.workspace_offset(i)), offset_width) +
               cell(std::to_string(plan::first_write[i] + (plan::info[i].cat != detail::category::immediate)) +
                        " .. " + detail::last_reader(plan::last_use[i]),
                    12) +
               "  " + value(i) + (alias ? "  (shares the buffer of " + names[plan::alias_of[i]] + ")" : "") + "\n";
    }
    std::uint64_t total = std::uint64_t(step.workspace_size()) * sizeof(T);
    out += "workspace: " + std::to_string(total) + " bytes (" + std::to_string(step.workspace_size()) +
           " elements); the buffers alone: " + std::to_string(sum) + " bytes" +
           (plan::seeded ? " (buffers marked shared live in one phase, in a region every layer shares)" : "") + "\n";
    out += detail::where_block(named, "");
    // Each repeat's block, once: the step every layer runs (layer 0's extents).
    if constexpr (requires { typename Step::repeat_specs; })
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            (void)std::initializer_list<int>{([&] {
                auto const& layers = step.template repeat_layers<K>();
                out += "\nrepeat " + std::to_string(K + 1) + ": " + std::to_string(layers.size()) +
                       " layers, each the block's step (kernels 1.." +
                       std::to_string(std::remove_cvref_t<decltype(layers[0])>::plan::forward_kernels) +
                       " forward, the rest backward)";
                out += layers.empty() ? std::string("\n") : ", at layer 0:\n" + tapeless::explain(layers[0]);
            }(), 0)..., 0};
        }(std::make_index_sequence<Step::repeat_specs::size>{});
    return out;
}

} // namespace tapeless

#endif
