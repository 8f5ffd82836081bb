//! @file Defines the op tags `tapeless::op::embedding` and `op::embedding_back`: rows of a table
//! gathered by index, and the scatter-add of their adjoints back into the table's rows.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_EMBEDDING_HPP
#define TAPELESS_OPS_EMBEDDING_HPP

#include "../config.hpp"
#include "custom.hpp"
#include "traits.hpp"

#include <cstddef>

namespace tapeless::op {

//! y_i = table_{ids_i}: row i of the result is the table's row named by index i. Args (table,
//! ids), ids m x 1 holding whole numbers in 0..rows(table)-1 (checked before a step runs).
struct embedding : op_base {
    static constexpr char const* name = "embedding";
    static constexpr op_kind kind = op_kind::custom;
    static constexpr shape_rule shape = shape_rule::gather;
    static constexpr int cost = 1;

    template <class T>
    static void run(custom_view<T> const& v, std::size_t first, std::size_t last) {
        std::size_t const d = v.ys.cols;
        for (std::size_t i = first; i < last; ++i) {
            T const* TAPELESS_RESTRICT row = v.x[0] + static_cast<std::size_t>(v.x[1][i]) * d;
            T* TAPELESS_RESTRICT y = v.y + i * d;
            for (std::size_t j = 0; j < d; ++j) y[j] = row[j];
        }
    }
};

//! tablē from (ids, ȳ, table): tablē_r = Σ_{i : ids_i = r} ȳ_i, each row summed in the order of i,
//! so the bits do not depend on how rows are cut into blocks. The table is read for its shape.
struct embedding_back : op_base {
    static constexpr char const* name = "embedding_back";
    static constexpr op_kind kind = op_kind::custom;
    static constexpr shape_rule shape = shape_rule::like_last;
    static constexpr int cost = 1;
    static constexpr bool reads(std::size_t k) { return k < 2; }

    // Rows [first, last) of tablē: each block scans every index and keeps its own rows.
    template <class T>
    static void run(custom_view<T> const& v, std::size_t first, std::size_t last) {
        std::size_t const d = v.ys.cols, n = v.xs[0].rows;
        for (std::size_t r = first; r < last; ++r)
            for (std::size_t j = 0; j < d; ++j) v.y[r * d + j] = T(0);
        for (std::size_t i = 0; i < n; ++i) {
            std::size_t const r = static_cast<std::size_t>(v.x[0][i]);
            if (r < first || r >= last) continue;
            T const* TAPELESS_RESTRICT g = v.x[1] + i * d;
            T* TAPELESS_RESTRICT out = v.y + r * d;
            for (std::size_t j = 0; j < d; ++j) out[j] += g[j];
        }
    }
};

} // namespace tapeless::op

#endif
