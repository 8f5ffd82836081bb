//! @file Defines the adjoint rule of `op::relu`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_RELU_HPP
#define TAPELESS_GRAPH_RULES_RELU_HPP

#include "../../ops/relu.hpp"
#include "../../ops/step.hpp"
#include "rule.hpp"

namespace tapeless {

// y = relu(x)  =>  x̄ += ȳ ⊙ step(x)   (the seed's `l1.g = l2.g * (l1 > 0)`)
template <>
struct adjoint_rule<op::relu> {
    //! Ops this rule creates (beyond the simplifying builders'): part of the graph's op list.
    using uses = detail::type_list<op::step>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.mul(ybar, g.template make<op::step>(g.arg(y, 0)));
    }
};

} // namespace tapeless

#endif
