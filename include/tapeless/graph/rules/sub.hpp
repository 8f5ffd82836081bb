//! @file Defines the adjoint rule of `op::sub`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SUB_HPP
#define TAPELESS_GRAPH_RULES_SUB_HPP

#include "../../ops/sub.hpp"
#include "rule.hpp"

namespace tapeless {

// y = a - b  =>  ā += sum_to(ȳ), b̄ -= sum_to(ȳ)
template <>
struct adjoint_rule<op::sub> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        if (k == 0) return g.sum_to(ybar, y, g.arg(y, 0));
        return g.sum_to(g.neg(ybar), y, g.arg(y, 1));
    }
};

} // namespace tapeless

#endif
