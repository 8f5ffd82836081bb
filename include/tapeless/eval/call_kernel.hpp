//! @file Defines `call_kernel<T, Op>`: the kernel of an op that runs a plan of its own
//! (`op_kind::call`), on the object the step keeps for it.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_CALL_KERNEL_HPP
#define TAPELESS_EVAL_CALL_KERNEL_HPP

#include "../exec/partition.hpp"
#include "bound_state.hpp"

namespace tapeless::detail {

//! Specialised by each call op (`repeat_runner.hpp`): `run(object, ex)` runs it on executor `ex`
//! with the object bound for it. Its buffers were given to that object when the step was bound,
//! and it splits its own work, so the plan sees one block.
template <class T, class Op>
struct call_kernel {
    static constexpr bool is_call = true;
    static unsigned choose(node_refs<T> const&) { return 0; }
    static exec::partition split(node_refs<T> const&) { return {}; }
};

} // namespace tapeless::detail

#endif
