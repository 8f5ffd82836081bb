//! @file Defines the adjoint rule of `op::max_rows`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_MAX_ROWS_HPP
#define TAPELESS_GRAPH_RULES_MAX_ROWS_HPP

#include "../../ops/max_rows.hpp"
#include "../../ops/equal.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y_i = max_j x_ij  =>  x̄_ij += ȳ_i ⊙ [x_ij = y_i]   (every tied maximum gets it)
template <>
struct adjoint_rule<op::max_rows> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::mul(ybar, tapeless::make_node<op::equal>(tapeless::arg<0>(y), y));
    }
};

} // namespace tapeless

#endif
