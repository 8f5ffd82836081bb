//! @file Defines the adjoint rule of `op::inv_count`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_INV_COUNT_HPP
#define TAPELESS_GRAPH_RULES_INV_COUNT_HPP

#include "../../ops/inv_count.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = 1/count(x)  =>  nothing: y reads x's shape, not its values
template <count_of Of>
struct adjoint_rule<op::inv_count<Of>> {
    template <std::size_t K>
    static constexpr auto apply(auto const&, auto const&) {
        return zero{};
    }
};

} // namespace tapeless

#endif
