//! @file Defines what every op declares: its kind, its shape rule, and the shape inference shared
//! by compile-time checks (static extents) and run-time checks (bound tensors).
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_TRAITS_HPP
#define TAPELESS_OPS_TRAITS_HPP

#include "../tensor/shape.hpp"

#include <cstddef>

namespace tapeless {

namespace detail {
//! Ops take one to four arguments (attention's adjoint reads q, k, v and ȳ).
inline constexpr std::size_t max_arity = 4;
} // namespace detail

//! How an op is executed, which decides where the planner puts it.
enum class op_kind {
    elementwise, //!< y_ij from the args' elements at (i, j), broadcasting; fused into loops
    reduction,   //!< sums an elementwise domain into a smaller shape; fused as a loop epilogue
    contraction, //!< matmul: a GEMM call
    layout,      //!< transpose: never computed, folded into GEMM flags or index maps
    shape_only,  //!< a 1x1 value computed from its argument's shape alone (e.g. 1/size)
    call,        //!< a kernel of its own that runs a plan of its own (`repeat`)
    custom,      //!< a kernel the op defines (`Op::run`, see `ops/custom.hpp`) on whole buffers:
                 //!< row-wise normalisations, gathers and scatters
};

//! How an op's result shape follows from its arguments'.
enum class shape_rule {
    broadcast, //!< elementwise: each extent equal, or 1 (broadcast)
    matmul,    //!< (m x k)(k x n) -> m x n
    transpose, //!< (m x n) -> n x m
    scalar,    //!< -> 1 x 1
    column,    //!< (m x n) -> m x 1
    row,       //!< (m x n) -> 1 x n
    like_last, //!< -> the last argument's shape (that argument is read for its shape only)
    gather,    //!< (r x c table, m x 1 indices) -> m x c: one table row per index
    same,      //!< every argument of one shape, the result too (no broadcasting)
};

//! What `inv_count` counts.
enum class count_of { size, rows, cols };

//! A shape or the reason there is none. `error` is a literal so it can be used at compile time.
struct shape_result {
    shape value{0, 0};
    char const* error = nullptr;
    [[nodiscard]] constexpr bool ok() const { return error == nullptr; }
};

namespace detail {
// Extents where `dynamic` means "not known yet": compatible with anything, so a static check only
// fails on a contradiction that no runtime value could resolve.
constexpr bool broadcast_extent(std::size_t a, std::size_t b, std::size_t& out) {
    if (a == b || b == 1) out = a;
    else if (a == 1) out = b;
    else if (a == dynamic) out = b;
    else if (b == dynamic) out = a;
    else return false;
    return true;
}
} // namespace detail

//! The result shape of an op of rule `rule` on the `n` argument shapes `args` (one to three). One
//! function, not a template per arity, so building a node calls it without code of its own.
constexpr shape_result infer_shape_n(shape_rule rule, shape const* args, std::size_t n) {
    switch (rule) {
    case shape_rule::broadcast: {
        shape r = args[0];
        for (std::size_t k = 1; k < n; ++k)
            if (!detail::broadcast_extent(r.rows, args[k].rows, r.rows) ||
                !detail::broadcast_extent(r.cols, args[k].cols, r.cols))
                return {{}, "shapes do not broadcast"};
        return {r};
    }
    case shape_rule::matmul: {
        std::size_t k1 = args[0].cols, k2 = args[n - 1].rows;
        if (k1 != k2 && k1 != dynamic && k2 != dynamic) return {{}, "inner extents differ"};
        return {{args[0].rows, args[n - 1].cols}};
    }
    case shape_rule::transpose: return {{args[0].cols, args[0].rows}};
    case shape_rule::scalar: return {{1, 1}};
    case shape_rule::column: return {{args[0].rows, 1}};
    case shape_rule::row: return {{1, args[0].cols}};
    case shape_rule::like_last: return {args[n - 1]};
    case shape_rule::same: {
        shape r = args[0];
        for (std::size_t k = 1; k < n; ++k) {
            shape const a = args[k];
            if ((a.rows != r.rows && a.rows != dynamic && r.rows != dynamic) ||
                (a.cols != r.cols && a.cols != dynamic && r.cols != dynamic))
                return {{}, "shapes differ"};
            if (r.rows == dynamic) r.rows = a.rows;
            if (r.cols == dynamic) r.cols = a.cols;
        }
        return {r};
    }
    case shape_rule::gather:
        if (args[1].cols != 1 && args[1].cols != dynamic) return {{}, "indices must be one column"};
        return {{args[1].rows, args[0].cols}};
    }
    return {{}, "unknown shape rule"};
}

//! The same on shapes given one by one.
template <class... Shapes>
constexpr shape_result infer_shape(shape_rule rule, Shapes... shapes) {
    shape const args[] = {shapes...};
    return tapeless::infer_shape_n(rule, args, sizeof...(Shapes));
}

//! Default reads: every argument's value. Ops that look at an argument's shape only override it.
struct op_base {
    static constexpr bool reads(std::size_t) { return true; }
    static constexpr int cost = 1; //!< rough flops per element, for rematerialisation decisions
};

//! Reductions that add: their loops start from 0 and accumulate with +.
struct sum_reduction : op_base {
    static constexpr op_kind kind = op_kind::reduction;
    static constexpr std::size_t domain_arg = 0; //!< iterate over the shape of this argument
    template <class T>
    static constexpr T identity() { return T(0); }
    static constexpr auto combine(auto a, auto b) { return a + b; }
};

} // namespace tapeless

#endif
