//! @file Defines the adjoint rule of `op::matmul`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_MATMUL_HPP
#define TAPELESS_GRAPH_RULES_MATMUL_HPP

#include "../../ops/matmul.hpp"
#include "rule.hpp"

namespace tapeless {

// C = A·B  =>  Ā += C̄·Bᵀ,  B̄ += Aᵀ·C̄   (the transposes become GEMM flags)
template <>
struct adjoint_rule<op::matmul> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        std::size_t cbar = g.full(ybar, y);
        if (k == 0) return g.matmul(cbar, g.transpose(g.arg(y, 1)));
        return g.matmul(g.transpose(g.arg(y, 0)), cbar);
    }
};

} // namespace tapeless

#endif
