//! @file Defines the adjoint rule of `op::sum_cols`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SUM_COLS_HPP
#define TAPELESS_GRAPH_RULES_SUM_COLS_HPP

#include "../../ops/sum_cols.hpp"
#include "rule.hpp"

namespace tapeless {

// y_j = Σ_i x_ij  =>  x̄_ij += ȳ_j   (a 1 x n adjoint, broadcast down the columns)
template <>
struct adjoint_rule<op::sum_cols> {
    template <class G>
    static constexpr std::size_t vjp(G&, std::size_t, std::size_t ybar, std::size_t) {
        return ybar;
    }
};

} // namespace tapeless

#endif
