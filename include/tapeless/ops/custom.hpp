//! @file Defines `custom_view`: what the kernel of a custom op (`op_kind::custom`) is given.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_CUSTOM_HPP
#define TAPELESS_OPS_CUSTOM_HPP

#include "../tensor/shape.hpp"
#include "traits.hpp"

#include <cstddef>
#include <cstdint>

namespace tapeless {

namespace detail {
//! What a step's random ops are keyed by: the user's seed (`step.seed(s)`), the step's number (one
//! more per call) and, in a `repeat` block, the layer.
struct random_stream {
    std::uint64_t seed = 0;
    std::uint64_t step = 0;
    std::uint32_t layer = 0;
};
} // namespace detail

//! A custom op's value and arguments, bound: row-major buffers of the bound shapes. An op of kind
//! `op_kind::custom` defines `template <class T> static void run(custom_view<T> const&, std::size_t
//! first, std::size_t last)`, which writes rows [first, last) of the value. The step cuts the rows
//! into blocks by the bound shapes alone, so a kernel that computes each row on its own, in a fixed
//! order, gives the same bits on any number of threads. Optional members: `row_group(view)`, rows
//! that must stay in one block (a sequence whose rows sum into each other), and `work(view)`, the
//! elements of scratch a block needs (`work` below, allocated when the step is bound).
template <class T>
struct custom_view {
    T* y = nullptr;                  //!< the value
    shape ys{};                      //!< its shape
    T const* x[detail::max_arity]{};         //!< each argument's buffer (null for a scalar known at bind)
    shape xs[detail::max_arity]{};           //!< each argument's shape
    T s[detail::max_arity]{};                //!< each argument's value when it is a scalar known at bind
    T* work = nullptr;               //!< this block's scratch (`Op::work` elements), if the op asks for it
    std::size_t node[1 + detail::max_arity]{}; //!< the plan's node of the value, then of each argument
    detail::random_stream stream{};  //!< seed, step and layer, for random ops (`dropout`)

    //! Argument k as a scalar (1 x 1), whether it is known at bind or computed.
    [[nodiscard]] T scalar(std::size_t k) const { return x[k] ? x[k][0] : s[k]; }
};

} // namespace tapeless

#endif
