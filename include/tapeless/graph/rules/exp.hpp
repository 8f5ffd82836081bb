//! @file Defines the adjoint rule of `op::exp`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_EXP_HPP
#define TAPELESS_GRAPH_RULES_EXP_HPP

#include "../../ops/exp.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = eˣ  =>  x̄ += ȳ ⊙ y
template <>
struct adjoint_rule<op::exp> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::mul(ybar, y);
    }
};

} // namespace tapeless

#endif
