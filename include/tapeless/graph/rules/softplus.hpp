//! @file Defines the adjoint rule of `op::softplus`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SOFTPLUS_HPP
#define TAPELESS_GRAPH_RULES_SOFTPLUS_HPP

#include "../../ops/softplus.hpp"
#include "../../ops/sigmoid.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = ln(1 + eˣ)  =>  x̄ += ȳ ⊙ σ(x)
template <>
struct adjoint_rule<op::softplus> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::mul(ybar, tapeless::make_node<op::sigmoid>(tapeless::arg<0>(y)));
    }
};

} // namespace tapeless

#endif
