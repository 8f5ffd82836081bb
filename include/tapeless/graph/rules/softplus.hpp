//! @file Defines the adjoint rule of `op::softplus`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SOFTPLUS_HPP
#define TAPELESS_GRAPH_RULES_SOFTPLUS_HPP

#include "../../ops/softplus.hpp"
#include "../../ops/sigmoid.hpp"
#include "rule.hpp"

namespace tapeless {

// y = ln(1 + eˣ)  =>  x̄ += ȳ ⊙ σ(x)
template <>
struct adjoint_rule<op::softplus> {
    //! Ops this rule creates (beyond the simplifying builders'): part of the graph's op list.
    using uses = detail::type_list<op::sigmoid>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.mul(ybar, g.template make<op::sigmoid>(g.arg(y, 0)));
    }
};

} // namespace tapeless

#endif
