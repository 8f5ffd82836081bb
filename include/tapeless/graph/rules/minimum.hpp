//! @file Defines the adjoint rule of `op::minimum`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_MINIMUM_HPP
#define TAPELESS_GRAPH_RULES_MINIMUM_HPP

#include "../../ops/minimum.hpp"
#include "../../ops/ge.hpp"
#include "rule.hpp"

namespace tapeless {

// y = min(a, b)  =>  ā += sum_to(ȳ ⊙ [b ≥ a]),  b̄ += sum_to(ȳ ⊙ (1 - [b ≥ a]))   (ties go to a)
template <>
struct adjoint_rule<op::minimum> {
    //! Ops this rule creates (beyond the simplifying builders'): part of the graph's op list.
    using uses = detail::type_list<op::ge>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        std::size_t a_wins = g.template make<op::ge>(g.arg(y, 1), g.arg(y, 0));
        if (k == 0) return g.sum_to(g.mul(ybar, a_wins), y, g.arg(y, 0));
        return g.sum_to(g.mul(ybar, g.sub(g.one(), a_wins)), y, g.arg(y, 1));
    }
};

} // namespace tapeless

#endif
