//! @file Defines the checks `grad`, `compile` and `value_and_grad` make on what they differentiate.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_CHECK_HPP
#define TAPELESS_GRAPH_CHECK_HPP

#include "../error.hpp"
#include "topological_order.hpp"

#include <string>

namespace tapeless {

//! A loss with runtime extents that turn out not to be 1 x 1: gradients are of scalars only.
inline void check_loss_shape(shape s) {
    if (s != shape{1, 1})
        throw shape_error("tapeless: grad: the loss is " + to_string(s) +
                          ", not 1 x 1; reduce it first with sum(), mean() or a loss");
}

namespace detail {
template <class W>
constexpr leaf_kind kind_or_param() {
    if constexpr (is_leaf_v<W>) return W::kind;
    else return leaf_kind::param; // not a leaf: reported by the assertion before
}
template <class W, class Root>
constexpr bool appears_in() {
    if constexpr (is_leaf_v<W>) return detail::index_of_v<W, nodes_t<Root>> != detail::npos;
    else return true;
}
} // namespace detail

//! Checks that W can be differentiated in Root, with the plain messages users read. A class, not
//! a function: nothing is compiled to code per (loss, leaf) pair.
template <class Root, class W>
struct wrt_check {
    static_assert((Root::static_shape.rows == 1 || Root::static_shape.rows == dynamic) &&
                      (Root::static_shape.cols == 1 || Root::static_shape.cols == dynamic),
                  "tapeless: grad: the loss must be 1 x 1; reduce it first with sum(), mean() or a loss");
    static_assert(is_leaf_v<W>, "tapeless: grad: differentiate with respect to a leaf (param<\"name\">)");
    static_assert(detail::kind_or_param<W>() == leaf_kind::param,
                  "tapeless: grad: this leaf is an input; declare it with param<\"name\"> to get its gradient");
    static_assert(detail::appears_in<W, Root>(), "tapeless: grad: this leaf does not appear in the expression");
    static constexpr bool ok = true;
};

} // namespace tapeless

#endif
