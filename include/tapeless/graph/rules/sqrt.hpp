//! @file Defines the adjoint rule of `op::sqrt`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SQRT_HPP
#define TAPELESS_GRAPH_RULES_SQRT_HPP

#include "../../ops/sqrt.hpp"
#include "rule.hpp"

namespace tapeless {

// y = √x  =>  x̄ += ȳ / 2y
template <>
struct adjoint_rule<op::sqrt> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.div(ybar, g.mul(y, g.constant(2)));
    }
};

} // namespace tapeless

#endif
