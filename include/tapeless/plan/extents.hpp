//! @file Defines `extent_classes`: which extents of a graph are equal whatever the leaves hold.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PLAN_EXTENTS_HPP
#define TAPELESS_PLAN_EXTENTS_HPP

#include "state.hpp"

#include <array>
#include <cstddef>

namespace tapeless::detail {

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
    // Equal static extents share a class: each slot joins the first slot of its value, found in an
    // open-addressed table (a sort of all 2N slots took most of clang's constexpr step budget of a
    // 128-layer network's plan).
    constexpr std::size_t cap = [] {
        std::size_t c = 1;
        while (c < 4 * N) c *= 2;
        return c;
    }();
    std::array<std::size_t, cap> first{}; // slot + 1 of the first slot with that value; 0: empty
    for (std::size_t k = 0; k < 2 * N; ++k) {
        std::size_t const e = ext(k / 2, int(k % 2));
        if (e == dynamic) continue;
        std::size_t h = (e * 0x9E3779B97F4A7C15ull) >> 17 & (cap - 1);
        while (first[h] && ext((first[h] - 1) / 2, int((first[h] - 1) % 2)) != e) h = (h + 1) & (cap - 1);
        if (first[h]) unite(k, first[h] - 1);
        else first[h] = k + 1;
    }
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
            case shape_rule::same: // equal extents, checked when built and bound
                for (std::size_t k = 0; k < f.nargs; ++k) {
                    unite(2 * i, 2 * a[k]);
                    unite(2 * i + 1, 2 * a[k] + 1);
                }
                break;
            case shape_rule::gather:
                unite(2 * i, 2 * a[1]);
                unite(2 * i + 1, 2 * a[0] + 1);
                break;
            case shape_rule::scalar: break; // static 1 x 1: already classed
            }
        }
    for (std::size_t k = 0; k < 2 * N; ++k) parent[k] = find(k);
    return parent;
}

} // namespace tapeless::detail

#endif
