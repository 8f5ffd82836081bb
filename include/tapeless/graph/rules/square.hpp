//! @file Defines the adjoint rule of `op::square`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SQUARE_HPP
#define TAPELESS_GRAPH_RULES_SQUARE_HPP

#include "../../ops/square.hpp"
#include "rule.hpp"

namespace tapeless {

// y = x²  =>  x̄ += ȳ ⊙ 2x
template <>
struct adjoint_rule<op::square> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.mul(ybar, g.mul(g.arg(y, 0), g.constant(2)));
    }
};

} // namespace tapeless

#endif
