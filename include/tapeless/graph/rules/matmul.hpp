//! @file Defines the adjoint rule of `op::matmul`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_MATMUL_HPP
#define TAPELESS_GRAPH_RULES_MATMUL_HPP

#include "../../ops/expand.hpp"
#include "../../ops/matmul.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// C = A·B  =>  Ā += C̄·Bᵀ,  B̄ += Aᵀ·C̄   (the transposes become GEMM flags)
template <>
struct adjoint_rule<op::matmul> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        // A GEMM operand needs a buffer: a statically 1 x 1 adjoint (the constant 1 seeding
        // sum(a·b)) is wrapped in expand, which the planner materialises.
        auto cbar = [&] {
            if constexpr (simplify::is_unit_v<std::remove_cvref_t<decltype(ybar)>>)
                return tapeless::make_node<op::expand>(ybar, y);
            else return simplify::full(ybar, y);
        }();
        if constexpr (K == 0) return simplify::matmul(cbar, simplify::transpose(tapeless::arg<1>(y)));
        else return simplify::matmul(simplify::transpose(tapeless::arg<0>(y)), cbar);
    }
};

} // namespace tapeless

#endif
