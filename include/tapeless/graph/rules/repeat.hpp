//! @file Defines the adjoint rule of `op::repeat`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_REPEAT_HPP
#define TAPELESS_GRAPH_RULES_REPEAT_HPP

#include "../../ops/expand.hpp"
#include "../../ops/mul.hpp"
#include "../../ops/repeat.hpp"
#include "../../ops/transpose.hpp"
#include "rule.hpp"

namespace tapeless {

// y = repeat(x)  =>  x̄ += repeat_back(x, ȳ), the block's derived backward pass run layer by
// layer; the same record also yields the stacks' gradients (`derive.hpp`).
template <class Spec>
struct adjoint_rule<op::repeat<Spec>> {
    using uses = detail::type_list<op::repeat_back<Spec>>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        // No adjoint, no backward pass (a copy of the repeat read for its extents only). The
        // block's plans read ȳ as a full buffer of y's shape.
        if (g.is_zero(ybar)) return g.zero();
        return g.template make<op::repeat_back<Spec>>(g.arg(y, 0), detail::full_adjoint(g, y, ybar));
    }
};

} // namespace tapeless

#endif
