//! @file Defines the adjoint rule of `op::leaky_step`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_LEAKY_STEP_HPP
#define TAPELESS_GRAPH_RULES_LEAKY_STEP_HPP

#include "../../ops/leaky_step.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = leaky_step(x, s)  =>  nothing   (piecewise constant in x)
template <>
struct adjoint_rule<op::leaky_step> {
    template <std::size_t K>
    static constexpr auto apply(auto const&, auto const&) {
        return zero{};
    }
};

} // namespace tapeless

#endif
