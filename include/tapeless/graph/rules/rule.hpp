//! @file Declares `adjoint_rule<Op>`, specialised once per op in this folder.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_RULE_HPP
#define TAPELESS_GRAPH_RULES_RULE_HPP

#include <cstddef>

namespace tapeless {

//! The vector-Jacobian product of `Op`: `apply<K>(y, ybar)` returns the contribution of y's
//! adjoint ȳ to the adjoint of y's K-th argument, as an expression built from y's own nodes, so the
//! backward graph shares the forward graph's subexpressions. `zero{}` means no contribution.
//! Only called for arguments the op reads (`Op::reads(K)`).
template <class Op>
struct adjoint_rule;

} // namespace tapeless

#endif
