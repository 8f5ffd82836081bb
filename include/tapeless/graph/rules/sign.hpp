//! @file Defines the adjoint rule of `op::sign`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SIGN_HPP
#define TAPELESS_GRAPH_RULES_SIGN_HPP

#include "../../ops/sign.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = sign(x)  =>  x̄ += 0   (piecewise constant)
template <>
struct adjoint_rule<op::sign> {
    template <std::size_t K>
    static constexpr auto apply(auto const&, auto const&) {
        return zero{};
    }
};

} // namespace tapeless

#endif
