//! @file Defines what the plan reports (`explain`, `to_dot(step)`) read off a compiled step: each
//! kernel's FLOPs and bytes at the step's bound extents, and the names of its outputs.
//!
//! How they are counted. A GEMM C = op(A)·op(B), C m x n, inner extent k: 2·m·n·k FLOPs. A loop: one
//! FLOP per element of its domain for each elementwise op it applies (fused members and inline
//! nodes alike) and for each reduction it accumulates; copies (`expand`) and column indices count
//! none. Bytes: every buffer a kernel reads or writes, counted once per kernel at its full size
//! (a broadcast operand once, not once per use; caches ignored); values known at bind (scalars,
//! constants, 1/count) are not memory traffic.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_PLAN_FACTS_HPP
#define TAPELESS_IO_PLAN_FACTS_HPP

#include "../graph/rebuild.hpp"
#include "../plan/plan.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace tapeless {

namespace detail {
//! A compiled step (`compile(...)`), bound: what the reports need of it.
template <class S>
concept bound_step = requires(S const& s) {
    typename S::plan;
    typename S::wrt;
    typename S::value_type;
    s.shapes();
    s.workspace_size();
    s.workspace_offset(std::size_t{});
};

//! One kernel at the bound extents. A GEMM is m x n with inner extent k; a loop runs over an
//! m x n domain (k = 1).
struct kernel_cost {
    bool gemm = false;
    bool ta = false, tb = false;
    std::size_t m = 0, n = 0, k = 1;
    std::uint64_t flops = 0, read = 0, written = 0; // bytes read and written
};

template <class Step>
std::vector<kernel_cost> kernel_costs(Step const& step) {
    using plan = typename Step::plan;
    constexpr auto const& a = plan::a;
    constexpr std::uint64_t bytes = sizeof(typename Step::value_type);
    auto shapes = step.shapes();
    auto size = [&](std::size_t i) { return std::uint64_t(shapes[i].rows) * shapes[i].cols; };
    std::vector<kernel_cost> out(a.ngroups);
    for (std::size_t g = 0; g < a.ngroups; ++g) {
        group_info const& gi = a.groups[g];
        kernel_cost& k = out[g];
        k.m = shapes[gi.node].rows;
        k.n = shapes[gi.node].cols;
        if (gi.call) continue; // a `repeat`: its layers' costs (`step_repeat_costs`)
        if (gi.custom) { // the op's cost per element, each argument read once
            node_info const& f = a.info[gi.node];
            k.flops = std::uint64_t(f.cost) * k.m * k.n;
            for (std::size_t j = 0; j < f.nargs; ++j)
                if (f.reads[j] && a.info[f.arg[j]].cat != category::immediate) k.read += size(f.arg[j]) * bytes;
            k.written = size(gi.node) * bytes;
            continue;
        }
        if (gi.gemm) {
            std::size_t c = gi.node, x = a.gemm_a[c], y = a.gemm_b[c];
            k.gemm = true;
            k.ta = a.ta[c];
            k.tb = a.tb[c];
            k.k = k.ta ? shapes[x].rows : shapes[x].cols;
            k.flops = 2 * std::uint64_t(k.m) * k.n * k.k;
            k.read = (size(x) + size(y)) * bytes;
            k.written = size(c) * bytes;
            continue;
        }
        std::uint64_t elems = std::uint64_t(k.m) * k.n;
        for (std::size_t e = gi.cbegin; e < gi.cend; ++e) {
            std::size_t i = a.closure[e];
            switch (a.role[e]) {
            case entry_role::compute:
                if (!a.info[i].indexes_columns && !a.info[i].copies) k.flops += elems;
                break;
            case entry_role::load:
            case entry_role::unit_load: k.read += size(i) * bytes; break;
            case entry_role::load_transposed: k.read += size(a.info[i].arg[0]) * bytes; break;
            case entry_role::immediate: break;
            }
        }
        for (std::size_t m = gi.mbegin; m < gi.mend; ++m) {
            std::size_t i = a.members[m];
            if (a.info[i].cat == category::reduction) k.flops += elems;
            k.written += size(i) * bytes;
        }
    }
    return out;
}

//! Each node's role as an output of the step: "loss" for the root ("result" when nothing is
//! differentiated), "∂loss/∂w" for the gradient of w (comma-separated if one value is several),
//! empty for the rest.
template <class Step>
std::array<std::string, Step::plan::size> output_names(Step const&) {
    std::array<std::string, Step::plan::size> r{};
    constexpr auto const& out = Step::derivation::graph.out;
    auto mark = [&](std::size_t i, std::string const& what) { r[i] += r[i].empty() ? what : ", " + what; };
    mark(out[0], Step::plan::seeded ? "h'" : Step::wrt::size ? "loss" : "result"); // a repeat's block: its next h
    [&]<class... W>(type_list<W...>) {
        std::size_t w = 1;
        (void)std::initializer_list<int>{(mark(out[w++], "∂loss/∂" + std::string(W::name.view())), 0)..., 0};
    }(typename Step::wrt{});
    return r;
}

//! What the kernels of a `repeat` do over all its layers: the layers, and the costs of their
//! forward and backward kernels summed (each layer's at its own extents).
struct repeat_cost {
    std::size_t layers = 0;
    kernel_cost forward, backward;
};
template <class Layers>
repeat_cost repeat_costs(Layers const& layers) {
    repeat_cost r;
    r.layers = layers.size();
    for (auto const& l : layers) {
        using plan = typename std::remove_cvref_t<decltype(l)>::plan;
        auto const k = kernel_costs(l);
        for (std::size_t g = 0; g < k.size(); ++g) {
            kernel_cost& to = g < plan::forward_kernels ? r.forward : r.backward;
            to.flops += k[g].flops;
            to.read += k[g].read;
            to.written += k[g].written;
        }
    }
    return r;
}
//! The same for each `repeat` of a step, in the order of `Step::repeat_specs`.
template <class Step>
std::vector<repeat_cost> step_repeat_costs(Step const& step) {
    if constexpr (requires { typename Step::repeat_specs; }) {
        return [&]<std::size_t... K>(std::index_sequence<K...>) {
            return std::vector<repeat_cost>{repeat_costs(step.template repeat_layers<K>())...};
        }(std::make_index_sequence<Step::repeat_specs::size>{});
    } else {
        return {};
    }
}

//! "C = Aᵀ·B": a GEMM's transpose flags as the reports print them.
inline std::string gemm_formula(bool ta, bool tb) {
    return std::string("C = A") + (ta ? "ᵀ" : "") + "·B" + (tb ? "ᵀ" : "");
}

//! "64x50": bound extents as the reports print them.
inline std::string extents(std::size_t rows, std::size_t cols) {
    return std::to_string(rows) + "x" + std::to_string(cols);
}
} // namespace detail

} // namespace tapeless

#endif
