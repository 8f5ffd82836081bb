//! @file Defines the adjoint rule of `op::sum`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SUM_HPP
#define TAPELESS_GRAPH_RULES_SUM_HPP

#include "../../ops/sum.hpp"
#include "rule.hpp"

namespace tapeless {

// y = Σ x  =>  x̄ += ȳ   (a 1x1 adjoint, broadcast where it is read)
template <>
struct adjoint_rule<op::sum> {
    template <class G>
    static constexpr std::size_t vjp(G&, std::size_t, std::size_t ybar, std::size_t) {
        return ybar;
    }
};

} // namespace tapeless

#endif
