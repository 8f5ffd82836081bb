//! @file Defines the adjoint rule of `op::square`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SQUARE_HPP
#define TAPELESS_GRAPH_RULES_SQUARE_HPP

#include "../../ops/square.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = x²  =>  x̄ += ȳ ⊙ 2x
template <>
struct adjoint_rule<op::square> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::mul(ybar, simplify::mul(tapeless::arg<0>(y), constant<2>{}));
    }
};

} // namespace tapeless

#endif
