//! @file Defines the executors a compiled step runs on: `serial` and `threads`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXEC_EXECUTOR_HPP
#define TAPELESS_EXEC_EXECUTOR_HPP

#include "pool.hpp"

#include <cstddef>

// An executor takes one kernel at a time as a `task` (its fixed blocks) and returns when every
// block has run. Plans and kernels know nothing of threads; a GPU or cluster executor would be one
// more type with the same two members.
namespace tapeless::exec {

//! Every block on the calling thread, in order.
struct serial_executor {
    void reserve() const {}
    void operator()(task const& t) const {
        for (std::size_t b = 0; b < t.blocks; ++b) t.fn(t.ctx, b);
    }
};

//! The blocks of each kernel shared by `n` threads of the process's pool (0: `num_threads()`).
struct threads_executor {
    std::size_t n = 0;
    [[nodiscard]] std::size_t count() const { return n ? n : num_threads(); }
    //! Starts the pool's workers ahead of the first step, so no step creates a thread.
    void reserve() const { detail::pool::instance().reserve(count()); }
    void operator()(task const& t) const {
        std::size_t c = count();
        if (c == 1 || t.blocks == 1) serial_executor{}(t);
        else detail::pool::instance().run(t, c);
    }
};

} // namespace tapeless::exec

namespace tapeless {

//! Runs a step on the calling thread only: `step(tl::serial)`.
inline constexpr exec::serial_executor serial{};

//! Runs a step on `n` threads (0: `num_threads()`): `step(tl::threads(2))`. Same results as
//! `serial`, bit for bit.
constexpr exec::threads_executor threads(std::size_t n = 0) { return {n}; }

} // namespace tapeless

#endif
