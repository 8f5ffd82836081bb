//! @file Defines the adjoint rule of `op::tanh`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_TANH_HPP
#define TAPELESS_GRAPH_RULES_TANH_HPP

#include "../../ops/tanh.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = tanh x  =>  x̄ += ȳ ⊙ (1 - y²)
template <>
struct adjoint_rule<op::tanh> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::mul(ybar, simplify::sub(one{}, simplify::mul(y, y)));
    }
};

} // namespace tapeless

#endif
