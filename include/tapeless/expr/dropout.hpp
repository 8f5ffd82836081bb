//! @file Defines `dropout`: elements zeroed at random with probability p during training.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_DROPOUT_HPP
#define TAPELESS_EXPR_DROPOUT_HPP

#include "../ops/dropout.hpp"
#include "build.hpp"
#include "node.hpp"

namespace tapeless {

//! PyTorch's `F.dropout(x, p)`: each element zeroed with probability p, the others scaled by
//! 1/(1-p). `p` is a 1 x 1 expression read when the step runs: a 1 x 1 input leaf
//! (`tl::input<"p">(p)`, set it to 0 to evaluate with the same compiled step), a named scalar or a
//! number. The masks come from Philox4x32-10 keyed by the step's seed (`step.seed(s)`), its step
//! number (one more per call, `step.set_step_number(n)` to resume), the op's place in the plan and,
//! in a `repeat`, the layer: the same on any number of threads, and a rerun with the same seed and
//! step numbers repeats them. The backward pass reuses the forward mask.
template <expression X, class P>
constexpr auto dropout(X const& x, P const& p) {
    auto const pe = detail::as_operand(p, x);
    constexpr shape ps = decltype(pe)::static_shape;
    static_assert((ps.rows == 1 || ps.rows == dynamic) && (ps.cols == 1 || ps.cols == dynamic),
                  "tapeless: dropout(x, p): p must be 1 x 1");
    return tapeless::build<op::dropout>(x, pe);
}

} // namespace tapeless

#endif
