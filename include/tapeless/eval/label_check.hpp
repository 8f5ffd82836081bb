//! @file Defines the class-label check of a compiled step: every leaf that `one_hot` (and so
//! `cross_entropy`) compares with column indices must hold whole numbers in 0..K-1, where K is the
//! compared width, and every leaf of `embedding` indices whole numbers in 0..V-1 for a table of V
//! rows, and dropout's p in [0, 1]; anything else would make those rows silently contribute nothing,
//! read out of bounds, or scale by a wrong factor.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_LABEL_CHECK_HPP
#define TAPELESS_EVAL_LABEL_CHECK_HPP

#include "../error.hpp"
#include "../plan/plan.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

namespace tapeless::detail {

//! A leaf of class labels (node `labels`) compared with the column indices of node `like`, or a
//! leaf of row indices into the table `like` (`embedding`, `rows`).
struct label_use {
    std::size_t labels = npos;
    std::size_t like = npos;
    bool rows = false;
    bool probability = false; // `labels` is dropout's p: a leaf or a value known at bind, in [0, 1]
};

// equal(column_index(like), labels) with labels a leaf, in either argument order; or
// embedding(table, ids) with ids a leaf.
template <std::size_t N>
constexpr label_use label_use_at(std::array<node_info, N> const& info, std::size_t i) {
    node_info const& f = info[i];
    if (f.cat == category::leaf || f.nargs != 2) return {};
    if (std::string_view(f.name) == "dropout") {
        category const c = info[f.arg[1]].cat;
        return c == category::leaf || c == category::immediate ? label_use{f.arg[1], npos, false, true} : label_use{};
    }
    if (std::string_view(f.name) == "embedding")
        return info[f.arg[1]].cat == category::leaf ? label_use{f.arg[1], f.arg[0], true} : label_use{};
    if (std::string_view(f.name) != "equal") return {};
    for (std::size_t k = 0; k < 2; ++k) {
        node_info const& idx = info[f.arg[k]];
        std::size_t other = f.arg[1 - k];
        if (idx.indexes_columns && idx.nargs == 1 && info[other].cat == category::leaf)
            return {other, idx.arg[0]};
    }
    return {};
}

//! Every label leaf of plan `Plan`, found from its node table (no type is inspected).
template <class Plan>
inline constexpr auto label_uses = [] {
    constexpr auto& info = Plan::info;
    constexpr std::size_t count = [] {
        std::size_t c = 0;
        for (std::size_t i = 0; i < info.size(); ++i) c += label_use_at(info, i).labels != npos;
        return c;
    }();
    std::array<label_use, count> r{};
    std::size_t c = 0;
    for (std::size_t i = 0; i < info.size(); ++i)
        if (label_use u = label_use_at(info, i); u.labels != npos) r[c++] = u;
    return r;
}();

// The shortest text that reads back as `v` ("17", "2.5", "nan").
template <class T>
std::string format_value(T v) {
    if (std::isnan(v)) return "nan"; // whatever its sign bit
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

//! Throws `value_error` if dropout's p (named `name` when a leaf) is not in [0, 1] (NaN included).
template <class T>
void check_probability(T p, std::string_view name) {
    if (p >= T(0) && p <= T(1)) return;
    std::string const what = name.empty() ? "p" : "p '" + std::string(name) + "'";
    throw value_error("tapeless: dropout: " + what + " is " + detail::format_value(p) + ", not a probability in [0, 1]");
}

//! Throws `value_error` naming leaf `name`, the row and the value if any of the `rows` x `cols`
//! labels at `p` (row stride `cols`) is not a whole number in 0..classes-1 (NaN included); for
//! `table_rows`, indices into a table of `classes` rows.
template <class T>
void check_labels(T const* p, std::size_t rows, std::size_t cols, std::size_t classes, std::string_view name,
                  bool table_rows = false) {
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j) {
            T v = p[i * cols + j];
            if (v >= T(0) && v < static_cast<T>(classes) && v == std::floor(v)) continue;
            std::string at = "row " + std::to_string(i);
            if (cols != 1) at += ", column " + std::to_string(j);
            std::string const what = table_rows ? "embedding indices '" : "class labels '";
            std::string range = table_rows ? classes ? "a row of the table (0.." + std::to_string(classes - 1) + ")"
                                                     : "a row of the table (it has none)"
                                : classes ? "a class index in 0.." + std::to_string(classes - 1)
                                          : "a class (there are none)";
            throw value_error("tapeless: " + what + std::string(name) + "': " + at + " holds " +
                              detail::format_value(v) + ", not " + range);
        }
}

} // namespace tapeless::detail

#endif
