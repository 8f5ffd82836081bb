//! @file Defines the adjoint rule of `op::sum_to`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SUM_TO_HPP
#define TAPELESS_GRAPH_RULES_SUM_TO_HPP

#include "../../ops/sum_to.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = sum_to(x, domain, like)  =>  x̄ += sum_to(ȳ) over the domain, back to x's shape
template <>
struct adjoint_rule<op::sum_to> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::sum_to(ybar, tapeless::arg<1>(y), tapeless::arg<0>(y));
    }
};

} // namespace tapeless

#endif
