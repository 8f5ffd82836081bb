//! @file Defines the adjoint rule of `op::attention<O>`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_ATTENTION_HPP
#define TAPELESS_GRAPH_RULES_ATTENTION_HPP

#include "../../ops/attention.hpp"
#include "rule.hpp"

namespace tapeless {

// y = softmax(q·kᵀ/√dh)·v  =>  q̄, k̄, v̄ += attention_back_{q,k,v}(q, k, v, ȳ)
template <attention_options O>
struct adjoint_rule<op::attention<O>> {
    using uses = detail::type_list<op::attention_back<O, 0>, op::attention_back<O, 1>, op::attention_back<O, 2>>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        if (g.is_zero(ybar)) return g.zero();
        std::size_t const full = detail::full_adjoint(g, y, ybar);
        std::size_t const q = g.arg(y, 0), kk = g.arg(y, 1), v = g.arg(y, 2);
        if (k == 0) return g.template make<op::attention_back<O, 0>>(q, kk, v, full);
        if (k == 1) return g.template make<op::attention_back<O, 1>>(q, kk, v, full);
        return g.template make<op::attention_back<O, 2>>(q, kk, v, full);
    }
};

// The second derivative is not derived: a constant evaluation error, never a silent zero.
template <attention_options O, std::size_t Part>
struct adjoint_rule<op::attention_back<O, Part>> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t, std::size_t ybar, std::size_t) {
        if (g.is_zero(ybar)) return g.zero();
        throw "tapeless: grad: attention is differentiable once (its gradient has no gradient here)";
    }
};

} // namespace tapeless

#endif
