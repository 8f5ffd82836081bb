//! @file Defines the adjoint rule of `op::expand`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_EXPAND_HPP
#define TAPELESS_GRAPH_RULES_EXPAND_HPP

#include "../../ops/expand.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = expand(x, like)  =>  x̄ += sum_to(ȳ)
template <>
struct adjoint_rule<op::expand> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::sum_to(ybar, y, tapeless::arg<0>(y));
    }
};

} // namespace tapeless

#endif
