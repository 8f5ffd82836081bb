//! @file Defines the adjoint rule of `op::sigmoid`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SIGMOID_HPP
#define TAPELESS_GRAPH_RULES_SIGMOID_HPP

#include "../../ops/sigmoid.hpp"
#include "rule.hpp"

namespace tapeless {

// y = σ(x)  =>  x̄ += ȳ ⊙ y ⊙ (1 - y)
template <>
struct adjoint_rule<op::sigmoid> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.mul(ybar, g.mul(y, g.sub(g.one(), y)));
    }
};

} // namespace tapeless

#endif
