//! @file Defines the adjoint rule of `op::add`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_ADD_HPP
#define TAPELESS_GRAPH_RULES_ADD_HPP

#include "../../ops/add.hpp"
#include "rule.hpp"

namespace tapeless {

// y = a + b  =>  ā += sum_to(ȳ), b̄ += sum_to(ȳ), summed over what each broadcast
template <>
struct adjoint_rule<op::add> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
        return g.sum_to(ybar, y, g.arg(y, k));
    }
};

} // namespace tapeless

#endif
