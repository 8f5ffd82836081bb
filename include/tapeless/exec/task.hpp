//! @file Defines `exec::task`: one kernel's blocks, as an executor receives them.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXEC_TASK_HPP
#define TAPELESS_EXEC_TASK_HPP

#include <cstddef>

namespace tapeless::exec {

//! One parallel loop: `fn(ctx, b)` for every block b in [0, blocks). A function pointer and a
//! context rather than std::function, so handing a kernel to an executor allocates nothing.
struct task {
    void (*fn)(void const* ctx, std::size_t block);
    void const* ctx;
    std::size_t blocks;
};

} // namespace tapeless::exec

#endif
