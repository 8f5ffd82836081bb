//! @file Defines the adjoint rule of `op::seed`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_SEED_HPP
#define TAPELESS_GRAPH_RULES_SEED_HPP

#include "../../ops/seed.hpp"
#include "rule.hpp"

namespace tapeless {

// y = seed(f, g) at the root (ȳ = 1)  =>  f̄ = g; g is a cotangent, not differentiated.
template <>
struct adjoint_rule<op::seed> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t, std::size_t k) {
        return k == 0 ? g.arg(y, 1) : g.zero();
    }
};

} // namespace tapeless

#endif
