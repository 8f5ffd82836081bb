//! @file Defines the adjoint rule of `op::tanh`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_TANH_HPP
#define TAPELESS_GRAPH_RULES_TANH_HPP

#include "../../ops/tanh.hpp"
#include "rule.hpp"

namespace tapeless {

// y = tanh x  =>  x̄ += ȳ ⊙ (1 - y²)
template <>
struct adjoint_rule<op::tanh> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.mul(ybar, g.sub(g.one(), g.mul(y, y)));
    }
};

} // namespace tapeless

#endif
