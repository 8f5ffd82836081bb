//! @file Defines the adjoint rule of `op::leaky_relu`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_LEAKY_RELU_HPP
#define TAPELESS_GRAPH_RULES_LEAKY_RELU_HPP

#include "../../ops/leaky_relu.hpp"
#include "../../ops/leaky_step.hpp"
#include "rule.hpp"

namespace tapeless {

// y = leaky_relu(x, s)  =>  x̄ += ȳ ⊙ leaky_step(x, s)   (the slope is a constant: s̄ is not derived)
template <>
struct adjoint_rule<op::leaky_relu> {
    //! Ops this rule creates (beyond the simplifying builders'): part of the graph's op list.
    using uses = detail::type_list<op::leaky_step>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        if (k != 0) return g.zero();
        return g.mul(ybar, g.template make<op::leaky_step>(g.arg(y, 0), g.arg(y, 1)));
    }
};

} // namespace tapeless

#endif
