//! @file Defines the pass `choose_buffers`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PLAN_BUFFERS_HPP
#define TAPELESS_PLAN_BUFFERS_HPP

#include "state.hpp"

namespace tapeless::detail {

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
        case category::call:
        case category::custom:
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

} // namespace tapeless::detail

#endif
