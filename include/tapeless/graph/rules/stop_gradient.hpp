//! @file Defines the adjoint rule of `op::stop_gradient`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_STOP_GRADIENT_HPP
#define TAPELESS_GRAPH_RULES_STOP_GRADIENT_HPP

#include "../../ops/stop_gradient.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = stop_gradient(x)  =>  nothing, by definition
template <>
struct adjoint_rule<op::stop_gradient> {
    template <std::size_t K>
    static constexpr auto apply(auto const&, auto const&) {
        return zero{};
    }
};

} // namespace tapeless

#endif
