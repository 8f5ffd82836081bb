//! @file Defines the op tags `tapeless::op::repeat<Spec>` and `op::repeat_back<Spec>`: a block
//! applied once per layer of its stacks, forward and backward, each as one kernel of the plan.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_REPEAT_HPP
#define TAPELESS_OPS_REPEAT_HPP

#include "traits.hpp"

namespace tapeless::op {

//! h_L from h_0 = x by h_{i+1} = block(h_i, layer i of each stack). `Spec` (`detail::repeat_spec`)
//! names the block and its stacks; the block's own plan runs once per layer (see
//! `eval/repeat_runner.hpp`). The result has x's shape: a block keeps its input's shape.
template <class Spec>
struct repeat : op_base {
    using spec = Spec;
    static constexpr char const* name = "repeat";
    static constexpr op_kind kind = op_kind::call;
    static constexpr shape_rule shape = shape_rule::like_last;
    static constexpr int cost = 0;
};

//! The backward pass of `repeat<Spec>` on (x, ȳ): x̄, with each stack's gradient kept by the
//! block's plans, layer by layer. Reads x because layer 0's backward reads h_0.
template <class Spec>
struct repeat_back : op_base {
    using spec = Spec;
    static constexpr char const* name = "repeat_back";
    static constexpr op_kind kind = op_kind::call;
    static constexpr shape_rule shape = shape_rule::like_last;
    static constexpr int cost = 0;
};

} // namespace tapeless::op

#endif
