//! @file Defines the op tag `tapeless::op::sigmoid`: the logistic function, computed without overflow.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_SIGMOID_HPP
#define TAPELESS_OPS_SIGMOID_HPP

#include "traits.hpp"

#include <cmath>

namespace tapeless::op {

//! y = 1 / (1 + e⁻ˣ), evaluated as eˣ / (1 + eˣ) for x < 0 so that neither branch overflows.
struct sigmoid : op_base {
    static constexpr char const* name = "sigmoid";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 12;
    static auto apply(auto x) {
        using std::exp;
        using T = decltype(x);
        T e = exp(-(x < T(0) ? -x : x)); // e^{-|x|} <= 1
        return x >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
    }
};
} // namespace tapeless::op

#endif
