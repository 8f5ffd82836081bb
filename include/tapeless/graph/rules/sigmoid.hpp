//! @file Defines the adjoint rule of `op::sigmoid`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SIGMOID_HPP
#define TAPELESS_GRAPH_RULES_SIGMOID_HPP

#include "../../ops/sigmoid.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = σ(x)  =>  x̄ += ȳ ⊙ y ⊙ (1 - y)
template <>
struct adjoint_rule<op::sigmoid> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::mul(ybar, simplify::mul(y, simplify::sub(one{}, y)));
    }
};

} // namespace tapeless

#endif
