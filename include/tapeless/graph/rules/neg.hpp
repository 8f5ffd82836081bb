//! @file Defines the adjoint rule of `op::neg`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_NEG_HPP
#define TAPELESS_GRAPH_RULES_NEG_HPP

#include "../../ops/neg.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = -x  =>  x̄ -= ȳ
template <>
struct adjoint_rule<op::neg> {
    template <std::size_t K>
    static constexpr auto apply(auto const&, auto const& ybar) {
        return simplify::neg(ybar);
    }
};

} // namespace tapeless

#endif
