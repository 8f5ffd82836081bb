//! @file Defines the adjoint rule of `op::sum_to`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SUM_TO_HPP
#define TAPELESS_GRAPH_RULES_SUM_TO_HPP

#include "../../ops/sum_to.hpp"
#include "rule.hpp"

namespace tapeless {

// y = sum_to(x, domain, like)  =>  x̄ += sum_to(ȳ) over the domain, back to x's shape
template <>
struct adjoint_rule<op::sum_to> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.sum_to(ybar, g.arg(y, 1), g.arg(y, 0));
    }
};

} // namespace tapeless

#endif
