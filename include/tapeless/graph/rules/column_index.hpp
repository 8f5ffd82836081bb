//! @file Defines the adjoint rule of `op::column_index`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_COLUMN_INDEX_HPP
#define TAPELESS_GRAPH_RULES_COLUMN_INDEX_HPP

#include "../../ops/column_index.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y_ij = j  =>  nothing   (reads no values)
template <>
struct adjoint_rule<op::column_index> {
    template <std::size_t K>
    static constexpr auto apply(auto const&, auto const&) {
        return zero{};
    }
};

} // namespace tapeless

#endif
