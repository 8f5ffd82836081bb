//! @file Defines test-only ops that count how often they are applied, to prove what runs once.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_MOCK_OP_HPP
#define TAPELESS_TEST_SUPPORT_MOCK_OP_HPP

#include <tapeless/tapeless.hpp>

namespace tapeless::test {

inline long applications = 0;

//! y = x², counting applications. `Cost` is its flop estimate: cheap ones are recomputed where
//! they are read, expensive ones get a buffer when shared; both must run once per element per kernel.
template <int Cost>
struct counted_square : op_base {
    static constexpr char const* name = "counted_square";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = Cost;
    static auto apply(auto x) {
        ++applications;
        return x * x;
    }
};

template <int Cost>
constexpr auto counted(expression auto const& x) {
    return build<counted_square<Cost>>(x);
}

} // namespace tapeless::test

// A user-defined op is one tag and one rule: y = x²  =>  x̄ += ȳ ⊙ 2x
template <int Cost>
struct tapeless::adjoint_rule<tapeless::test::counted_square<Cost>> {
    template <class G>
    static constexpr std::size_t vjp(G& g, std::size_t y, std::size_t ybar, std::size_t) {
        return g.mul(ybar, g.mul(g.arg(y, 0), g.constant(2)));
    }
};

#endif
