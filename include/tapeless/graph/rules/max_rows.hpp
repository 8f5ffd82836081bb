//! @file Defines the adjoint rule of `op::max_rows`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_MAX_ROWS_HPP
#define TAPELESS_GRAPH_RULES_MAX_ROWS_HPP

#include "../../ops/max_rows.hpp"
#include "../../ops/equal.hpp"
#include "rule.hpp"

namespace tapeless {

// y_i = max_j x_ij  =>  x̄_ij += ȳ_i ⊙ [x_ij = y_i]   (every tied maximum gets it)
template <>
struct adjoint_rule<op::max_rows> {
    //! Ops this rule creates (beyond the simplifying builders'): part of the graph's op list.
    using uses = detail::type_list<op::equal>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.mul(ybar, g.template make<op::equal>(g.arg(y, 0), y));
    }
};

} // namespace tapeless

#endif
