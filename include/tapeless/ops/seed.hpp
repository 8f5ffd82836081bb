//! @file Defines the op tag `tapeless::op::seed`: the root of a vector-Jacobian product.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_SEED_HPP
#define TAPELESS_OPS_SEED_HPP

#include "traits.hpp"

namespace tapeless::op {

//! `seed(f, g)` is f, and differentiating it from the root gives f the adjoint g (not a ones
//! tensor): gradients of a non-scalar f against a cotangent g, which is how `repeat` derives its
//! block once. Only meaningful as the root of a derivation; g is read by the backward pass only.
struct seed : op_base {
    static constexpr char const* name = "seed";
    static constexpr op_kind kind = op_kind::elementwise;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 0;
    static constexpr bool reads(std::size_t k) { return k == 0; }
    static constexpr auto apply(auto x) { return x; }
};
} // namespace tapeless::op

#endif
