//! @file Defines the adjoint rule of `op::log`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_LOG_HPP
#define TAPELESS_GRAPH_RULES_LOG_HPP

#include "../../ops/log.hpp"
#include "rule.hpp"

namespace tapeless {

// y = ln x  =>  x̄ += ȳ / x
template <>
struct adjoint_rule<op::log> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.div(ybar, g.arg(y, 0));
    }
};

} // namespace tapeless

#endif
