//! @file Defines the adjoint rule of `op::log1p`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_LOG1P_HPP
#define TAPELESS_GRAPH_RULES_LOG1P_HPP

#include "../../ops/log1p.hpp"
#include "rule.hpp"

namespace tapeless {

// y = ln(1 + x)  =>  x̄ += ȳ / (1 + x)
template <>
struct adjoint_rule<op::log1p> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.div(ybar, g.add(g.one(), g.arg(y, 0)));
    }
};

} // namespace tapeless

#endif
