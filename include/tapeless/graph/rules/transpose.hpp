//! @file Defines the adjoint rule of `op::transpose`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_TRANSPOSE_HPP
#define TAPELESS_GRAPH_RULES_TRANSPOSE_HPP

#include "../../ops/transpose.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = xᵀ  =>  x̄ += ȳᵀ
template <>
struct adjoint_rule<op::transpose> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::transpose(simplify::full(ybar, y));
    }
};

} // namespace tapeless

#endif
