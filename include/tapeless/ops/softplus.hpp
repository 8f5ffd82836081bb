//! @file Defines the op tag `tapeless::op::softplus`: log(1 + eˣ), computed without overflow.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_SOFTPLUS_HPP
#define TAPELESS_OPS_SOFTPLUS_HPP

#include "traits.hpp"

#include <cmath>

namespace tapeless::op {

//! y = ln(1 + eˣ) = max(x, 0) + ln(1 + e^{-|x|}): finite and accurate for |x| in the thousands.
struct softplus : op_base {
    static constexpr char const* name = "softplus";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 20;
    static auto apply(auto x) {
        using std::exp;
        using std::log1p;
        using T = decltype(x);
        return (x > T(0) ? x : T(0)) + log1p(exp(-(x < T(0) ? -x : x)));
    }
};
} // namespace tapeless::op

#endif
