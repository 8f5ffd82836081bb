//! @file Defines the adjoint rule of `op::embedding`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_EMBEDDING_HPP
#define TAPELESS_GRAPH_RULES_EMBEDDING_HPP

#include "../../ops/embedding.hpp"
#include "rule.hpp"

namespace tapeless {

// y_i = table_{ids_i}  =>  tablē_r += Σ_{i : ids_i = r} ȳ_i   (embedding_back); ids are data
template <>
struct adjoint_rule<op::embedding> {
    using uses = detail::type_list<op::embedding_back>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        if (k != 0 || g.is_zero(ybar)) return g.zero();
        return g.template make<op::embedding_back>(g.arg(y, 1), detail::full_adjoint(g, y, ybar), g.arg(y, 0));
    }
};

// tablē is linear in ȳ: its adjoint z̄ gives ȳ̄_i += z̄_{ids_i}, the gather again.
template <>
struct adjoint_rule<op::embedding_back> {
    using uses = detail::type_list<op::embedding>;
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        if (k != 1 || g.is_zero(ybar)) return g.zero();
        return g.template make<op::embedding>(detail::full_adjoint(g, y, ybar), g.arg(y, 0));
    }
};

} // namespace tapeless

#endif
