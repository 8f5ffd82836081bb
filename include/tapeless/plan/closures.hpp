//! @file Defines the pass `form_closures`: what each fused loop reads and computes.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PLAN_CLOSURES_HPP
#define TAPELESS_PLAN_CLOSURES_HPP

#include "state.hpp"

#include <algorithm>
#include <array>

namespace tapeless::detail {

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
        if (gi.single()) continue;
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

} // namespace tapeless::detail

#endif
