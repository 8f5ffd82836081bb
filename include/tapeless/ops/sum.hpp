//! @file Defines the op tag `tapeless::op::sum`: sum of all elements.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_SUM_HPP
#define TAPELESS_OPS_SUM_HPP

#include "traits.hpp"

namespace tapeless::op {

//! y = Σ_ij x_ij, a 1x1 result.
struct sum : op_base {
    static constexpr char const* name = "sum";
    static constexpr op_kind kind = op_kind::reduction;
    static constexpr shape_rule shape = shape_rule::scalar;
    static constexpr std::size_t domain_arg = 0; //!< iterate over the shape of this argument
};
} // namespace tapeless::op

#endif
