//! @file Defines the adjoint rule of `op::add`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_ADD_HPP
#define TAPELESS_GRAPH_RULES_ADD_HPP

#include "../../ops/add.hpp"
#include "../simplify.hpp"
#include "rule.hpp"

namespace tapeless {

// y = a + b  =>  ā += sum_to(ȳ), b̄ += sum_to(ȳ), summed over what each broadcast
template <>
struct adjoint_rule<op::add> {
    template <std::size_t K>
    static constexpr auto apply(auto const& y, auto const& ybar) {
        return simplify::sum_to(ybar, y, tapeless::arg<K>(y));
    }
};

} // namespace tapeless

#endif
