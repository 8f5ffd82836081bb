//! @file Defines the adjoint rule of `op::log`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_LOG_HPP
#define TAPELESS_GRAPH_RULES_LOG_HPP

#include "../../ops/log.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = ln x  =>  x̄ += ȳ / x
template <>
struct adjoint_rule<op::log> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::div(ybar, tapeless::arg<0>(y));
    }
};

} // namespace tapeless

#endif
