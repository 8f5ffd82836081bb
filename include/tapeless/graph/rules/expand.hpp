//! @file Defines the adjoint rule of `op::expand`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_EXPAND_HPP
#define TAPELESS_GRAPH_RULES_EXPAND_HPP

#include "../../ops/expand.hpp"
#include "rule.hpp"

namespace tapeless {

// y = expand(x, like)  =>  x̄ += sum_to(ȳ)
template <>
struct adjoint_rule<op::expand> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.sum_to(ybar, y, g.arg(y, 0));
    }
};

} // namespace tapeless

#endif
