//! @file Declares `adjoint_rule<Op>`, specialised once per op in this folder.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_RULE_HPP
#define TAPELESS_GRAPH_RULES_RULE_HPP

#include "../../detail/type_list.hpp"
#include "../../ops/expand.hpp"
#include "../../ops/mul.hpp"
#include "../../ops/transpose.hpp"

#include <cstddef>

namespace tapeless {

//! The vector-Jacobian product of `Op`: `vjp(g, y, ybar, k)` returns the contribution of y's
//! adjoint ȳ to the adjoint of y's k-th argument. y and ȳ are record indices of the graph `g`
//! (`simplify_records.hpp`), whose builders (`g.mul`, `g.sum_to`, `g.make<op::step>`, ...) return
//! the contribution's index, built from y's own records so the backward graph shares the forward
//! graph's values; `g.zero()` means no contribution. Only called for arguments the op reads
//! (`Op::reads(k)`). A rule that creates ops other than those builders' lists them in `uses`. An
//! op with no rule has a zero gradient.
template <class Op>
struct adjoint_rule;

namespace detail {
//! ȳ as a full buffer of y's shape, for a kernel that reads it from memory (a call, a custom op):
//! a broadcast or a constant is expanded, a transpose copied.
template <class G>
constexpr std::size_t full_adjoint(G& g, std::size_t y, std::size_t ybar) {
    if (!g.same_shape(ybar, y) || g.is_const(ybar)) return g.template make<op::expand>(ybar, y);
    if (g.template is<op::transpose>(ybar)) return g.template make<op::mul>(ybar, g.one());
    return ybar;
}
} // namespace detail

} // namespace tapeless

#endif
