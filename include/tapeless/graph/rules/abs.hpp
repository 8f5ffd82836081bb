//! @file Defines the adjoint rule of `op::abs`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_ABS_HPP
#define TAPELESS_GRAPH_RULES_ABS_HPP

#include "../../ops/abs.hpp"
#include "../../ops/sign.hpp"
#include "rule.hpp"

namespace tapeless {

// y = |x|  =>  x̄ += ȳ ⊙ sign(x)
template <>
struct adjoint_rule<op::abs> {
    //! Ops this rule creates (beyond the simplifying builders'): part of the graph's op list.
    using uses = detail::type_list<op::sign>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.mul(ybar, g.template make<op::sign>(g.arg(y, 0)));
    }
};

} // namespace tapeless

#endif
