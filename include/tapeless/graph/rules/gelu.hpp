//! @file Defines the adjoint rules of `op::gelu`, `op::gelu_slope` and `op::gelu_curvature`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_GELU_HPP
#define TAPELESS_GRAPH_RULES_GELU_HPP

#include "../../ops/gelu.hpp"
#include "rule.hpp"

namespace tapeless {

// y = gelu(x)  =>  x̄ += ȳ ⊙ gelu'(x)
template <>
struct adjoint_rule<op::gelu> {
    //! Ops this rule creates (beyond the simplifying builders'): part of the graph's op list.
    //! gelu_curvature too: every listed op's rule is instantiated, and gelu_slope's creates it.
    using uses = detail::type_list<op::gelu_slope, op::gelu_curvature>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.mul(ybar, g.template make<op::gelu_slope>(g.arg(y, 0)));
    }
};

// y = gelu'(x)  =>  x̄ += ȳ ⊙ gelu''(x)   (second order: hvp through gelu)
template <>
struct adjoint_rule<op::gelu_slope> {
    //! Ops this rule creates (beyond the simplifying builders'): part of the graph's op list.
    using uses = detail::type_list<op::gelu_curvature>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.mul(ybar, g.template make<op::gelu_curvature>(g.arg(y, 0)));
    }
};

// y = gelu''(x): a third derivative is not provided. Rather than the zero gradient of an op
// without a rule, deriving through it stops the compile-time sweep here, with this message.
template <>
struct adjoint_rule<op::gelu_curvature> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t, std::size_t, std::size_t) {
        throw "tapeless: gelu: derivatives of third order and above are not provided";
        return g.zero(); // not reached; clang 14 wants a return in a constexpr function
    }
};

} // namespace tapeless

#endif
