//! @file Defines the adjoint rule of `op::step`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_STEP_HPP
#define TAPELESS_GRAPH_RULES_STEP_HPP

#include "../../ops/step.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = step(x)  =>  x̄ += 0   (piecewise constant)
template <>
struct adjoint_rule<op::step> {
    template <std::size_t K>
    static constexpr auto apply(auto const&, auto const&) {
        return zero{};
    }
};

} // namespace tapeless

#endif
