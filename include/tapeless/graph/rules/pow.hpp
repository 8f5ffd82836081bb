//! @file Defines the adjoint rule of `op::pow`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_POW_HPP
#define TAPELESS_GRAPH_RULES_POW_HPP

#include "../../ops/pow.hpp"
#include "../../ops/log.hpp"
#include "rule.hpp"

namespace tapeless {

// y = xᵖ  =>  x̄ += sum_to(ȳ ⊙ p ⊙ x^(p-1)),  p̄ += sum_to(ȳ ⊙ y ⊙ ln x)
template <>
struct adjoint_rule<op::pow> {
    //! Ops this rule creates (beyond the simplifying builders'): part of the graph's op list.
    using uses = detail::type_list<op::pow, op::log>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        if (k == 0) {
            std::size_t p1 = g.template make<op::pow>(g.arg(y, 0), g.sub(g.arg(y, 1), g.one()));
            return g.sum_to(g.mul(ybar, g.mul(p1, g.arg(y, 1))), y, g.arg(y, 0));
        }
        return g.sum_to(g.mul(ybar, g.mul(y, g.template make<op::log>(g.arg(y, 0)))), y, g.arg(y, 1));
    }
};

} // namespace tapeless

#endif
