//! @file Defines the adjoint rule of `op::transpose`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_TRANSPOSE_HPP
#define TAPELESS_GRAPH_RULES_TRANSPOSE_HPP

#include "../../ops/transpose.hpp"
#include "rule.hpp"

namespace tapeless {

// y = xᵀ  =>  x̄ += ȳᵀ
template <>
struct adjoint_rule<op::transpose> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.transpose(g.full(ybar, y));
    }
};

} // namespace tapeless

#endif
