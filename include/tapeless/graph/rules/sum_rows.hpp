//! @file Defines the adjoint rule of `op::sum_rows`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SUM_ROWS_HPP
#define TAPELESS_GRAPH_RULES_SUM_ROWS_HPP

#include "../../ops/sum_rows.hpp"
#include "rule.hpp"

namespace tapeless {

// y_i = Σ_j x_ij  =>  x̄_ij += ȳ_i   (an m x 1 adjoint, broadcast along the rows)
template <>
struct adjoint_rule<op::sum_rows> {
    template <class G>
    static constexpr std::size_t vjp(G&, std::size_t, std::size_t ybar, std::size_t) {
        return ybar;
    }
};

} // namespace tapeless

#endif
