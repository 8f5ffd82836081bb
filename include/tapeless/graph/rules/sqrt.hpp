//! @file Defines the adjoint rule of `op::sqrt`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SQRT_HPP
#define TAPELESS_GRAPH_RULES_SQRT_HPP

#include "../../ops/sqrt.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = √x  =>  x̄ += ȳ / 2y
template <>
struct adjoint_rule<op::sqrt> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::div(ybar, simplify::mul(y, constant<2>{}));
    }
};

} // namespace tapeless

#endif
