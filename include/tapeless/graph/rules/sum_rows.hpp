//! @file Defines the adjoint rule of `op::sum_rows`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SUM_ROWS_HPP
#define TAPELESS_GRAPH_RULES_SUM_ROWS_HPP

#include "../../ops/sum_rows.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y_i = Σ_j x_ij  =>  x̄_ij += ȳ_i   (an m x 1 adjoint, broadcast along the rows)
template <>
struct adjoint_rule<op::sum_rows> {
    template <std::size_t K>
    static constexpr auto apply(auto const&, auto const& ybar) {
        return ybar;
    }
};

} // namespace tapeless

#endif
