//! @file Defines the adjoint rule of `op::abs`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_ABS_HPP
#define TAPELESS_GRAPH_RULES_ABS_HPP

#include "../../ops/abs.hpp"
#include "../../ops/sign.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = |x|  =>  x̄ += ȳ ⊙ sign(x)
template <>
struct adjoint_rule<op::abs> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::mul(ybar, tapeless::make_node<op::sign>(tapeless::arg<0>(y)));
    }
};

} // namespace tapeless

#endif
