//! @file Defines the adjoint rule of `op::ge`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_GE_HPP
#define TAPELESS_GRAPH_RULES_GE_HPP

#include "../../ops/ge.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = [a ≥ b]  =>  nothing   (piecewise constant)
template <>
struct adjoint_rule<op::ge> {
    template <std::size_t K>
    static constexpr auto apply(auto const&, auto const&) {
        return zero{};
    }
};

} // namespace tapeless

#endif
