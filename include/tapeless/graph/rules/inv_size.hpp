//! @file Defines the adjoint rule of `op::inv_size`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_INV_SIZE_HPP
#define TAPELESS_GRAPH_RULES_INV_SIZE_HPP

#include "../../ops/inv_size.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = 1/size(x)  =>  nothing: y reads x's shape, not its values
template <>
struct adjoint_rule<op::inv_size> {
    template <std::size_t K>
    static constexpr auto apply(auto const&, auto const&) {
        return zero{};
    }
};

} // namespace tapeless

#endif
