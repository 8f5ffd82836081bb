//! @file Defines the pass `form_groups`: which kernels run, in which order.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PLAN_GROUPS_HPP
#define TAPELESS_PLAN_GROUPS_HPP

#include "state.hpp"

#include <array>

namespace tapeless::detail {

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
        if (info[i].cat == category::contraction || info[i].cat == category::call || info[i].cat == category::custom) {
            a.groups[a.ngroups] = {info[i].cat == category::contraction, info[i].cat == category::call,
                                   info[i].cat == category::custom, i};
            a.group_of[i] = a.ngroups++;
            if (info[i].forward) a.forward_groups = a.ngroups;
            continue;
        }
        std::size_t d = info[i].dom_node, dr = a.rows(d), dc = a.cols(d);
        std::size_t ready = a.split_phases && !info[i].forward ? a.forward_groups : 0, top = 0;
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
                bool same_pass = !transposed && !a.alias[j] && !a.groups[g].single() &&
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
            a.groups[pick] = {false, false, false, d, dr, dc};
            prev_same[pick] = newest[dr];
            newest[dr] = pick;
        }
        a.group_of[i] = pick;
        if (info[i].forward && pick + 1 > a.forward_groups) a.forward_groups = pick + 1;
    }
}

} // namespace tapeless::detail

#endif
