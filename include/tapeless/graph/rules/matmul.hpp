//! @file Defines the adjoint rule of `op::matmul`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_MATMUL_HPP
#define TAPELESS_GRAPH_RULES_MATMUL_HPP

#include "../../ops/matmul.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// C = A·B  =>  Ā += C̄·Bᵀ,  B̄ += Aᵀ·C̄   (the transposes become GEMM flags)
template <>
struct adjoint_rule<op::matmul> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        // GEMM operands are full-sized (no broadcasting inside a product); which of them need a
        // buffer is the planner's decision.
        auto cbar = simplify::full(ybar, y);
        if constexpr (K == 0) return simplify::matmul(cbar, simplify::transpose(tapeless::arg<1>(y)));
        else return simplify::matmul(simplify::transpose(tapeless::arg<0>(y)), cbar);
    }
};

} // namespace tapeless

#endif
