//! @file Defines the adjoint rules of `op::dropout` and `op::dropout_back`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_DROPOUT_HPP
#define TAPELESS_GRAPH_RULES_DROPOUT_HPP

#include "../../ops/dropout.hpp"
#include "rule.hpp"

namespace tapeless {

// y = x ⊙ mask/(1-p)  =>  x̄ += ȳ ⊙ mask/(1-p)   (dropout_back, the forward node's mask); p is data
template <>
struct adjoint_rule<op::dropout> {
    using uses = detail::type_list<op::dropout_back>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        if (k != 0 || g.is_zero(ybar)) return g.zero();
        return g.template make<op::dropout_back>(detail::full_adjoint(g, y, ybar), g.arg(y, 1), y);
    }
};

// x̄ = ȳ ⊙ mask/(1-p) is linear in ȳ with the same mask  =>  ȳ̄ += z̄ ⊙ mask/(1-p)
template <>
struct adjoint_rule<op::dropout_back> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        if (k != 0 || g.is_zero(ybar)) return g.zero();
        return g.template make<op::dropout_back>(detail::full_adjoint(g, y, ybar), g.arg(y, 1), g.arg(y, 2));
    }
};

} // namespace tapeless

#endif
