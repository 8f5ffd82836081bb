//! @file Defines the adjoint rule of `op::layer_norm`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_LAYER_NORM_HPP
#define TAPELESS_GRAPH_RULES_LAYER_NORM_HPP

#include "../../ops/layer_norm.hpp"
#include "rule.hpp"

namespace tapeless {

// x̂ = (x - μ)/σ per row  =>  x̄ += (ȳ - mean_row(ȳ) - x̂ ⊙ mean_row(ȳ ⊙ x̂)) / σ   (layer_norm_back)
// eps is a number the user writes (`tl::layer_norm`), never differentiated.
template <>
struct adjoint_rule<op::layer_norm> {
    using uses = detail::type_list<op::layer_norm_back>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        if (k != 0 || g.is_zero(ybar)) return g.zero();
        return g.template make<op::layer_norm_back>(g.arg(y, 0), detail::full_adjoint(g, y, ybar), g.arg(y, 1));
    }
};

// x̄ = J(x)ᵀ·ȳ with J = ∂x̂/∂x symmetric  =>  ȳ̄ += J(x)·z̄ = layer_norm_back(x, z̄); the
// second derivative through x is not derived: a constant evaluation error, never a silent zero.
template <>
struct adjoint_rule<op::layer_norm_back> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        if (k == 2 || g.is_zero(ybar)) return g.zero();
        if (k == 0) throw "tapeless: grad: layer_norm is differentiable once (its gradient has no gradient here)";
        return g.template make<op::layer_norm_back>(g.arg(y, 0), detail::full_adjoint(g, y, ybar), g.arg(y, 2));
    }
};

} // namespace tapeless

#endif
