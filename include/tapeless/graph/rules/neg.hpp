//! @file Defines the adjoint rule of `op::neg`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_NEG_HPP
#define TAPELESS_GRAPH_RULES_NEG_HPP

#include "../../ops/neg.hpp"
#include "rule.hpp"

namespace tapeless {

// y = -x  =>  x̄ -= ȳ
template <>
struct adjoint_rule<op::neg> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t, std::size_t ybar, std::size_t) {
        return g.neg(ybar);
    }
};

} // namespace tapeless

#endif
