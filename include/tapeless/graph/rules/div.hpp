//! @file Defines the adjoint rule of `op::div`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_DIV_HPP
#define TAPELESS_GRAPH_RULES_DIV_HPP

#include "../../ops/div.hpp"
#include "rule.hpp"

namespace tapeless {

// y = a / b  =>  ā += sum_to(ȳ / b),  b̄ -= sum_to(ȳ ⊙ y / b)
template <>
struct adjoint_rule<op::div> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        if (k == 0) return g.sum_to(g.div(ybar, g.arg(y, 1)), y, g.arg(y, 0));
        return g.sum_to(g.neg(g.div(g.mul(ybar, y), g.arg(y, 1))), y, g.arg(y, 1));
    }
};

} // namespace tapeless

#endif
