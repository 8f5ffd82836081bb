//! @file Defines the checks `grad`, `compile` and `value_and_grad` make on what they differentiate.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_CHECK_HPP
#define TAPELESS_GRAPH_CHECK_HPP

#include "../error.hpp"
#include "../expr/stack.hpp"
#include "../ops/seed.hpp"
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
    else if constexpr (is_stack_v<W>) return leaf_kind::param;
    else return leaf_kind::param; // not a leaf: reported by the assertion before
}
template <class W, class Root>
constexpr bool appears_in() {
    if constexpr (is_leaf_v<W>) return detail::index_of_v<W, nodes_t<Root>> != detail::npos;
    else if constexpr (is_stack_v<W>) return contains_v<W, typename Root::leaf_list>;
    else return true;
}
// Whether Root holds a node of an op that runs a plan of its own (`repeat`).
template <class Root>
constexpr bool calls_in() {
    return []<class... Ns>(type_list<Ns...>) {
        return any_of({[] {
            if constexpr (is_node_v<Ns>) return Ns::op::kind == op_kind::call;
            else return false;
        }()...});
    }(nodes_t<Root>{});
}
} // namespace detail

//! Checks that W can be differentiated in Root, with the plain messages users read. A class, not
//! a function: nothing is compiled to code per (loss, leaf) pair.
template <class Root, class W>
struct wrt_check {
    // A seeded root (`op::seed`, a block's vector-Jacobian product) may have any shape.
    static_assert(is_op_v<Root, op::seed> ||
                      ((Root::static_shape.rows == 1 || Root::static_shape.rows == dynamic) &&
                       (Root::static_shape.cols == 1 || Root::static_shape.cols == dynamic)),
                  "tapeless: grad: the loss must be 1 x 1; reduce it first with sum(), mean() or a loss");
    static_assert(is_leaf_v<W> || detail::is_stack_v<W>,
                  "tapeless: grad: differentiate with respect to a leaf (param<\"name\">) or a stack (params<\"name\">)");
    static_assert(detail::kind_or_param<W>() == leaf_kind::param,
                  "tapeless: grad: this leaf is an input; declare it with param<\"name\"> to get its gradient");
    static_assert(detail::appears_in<W, Root>(), "tapeless: grad: this leaf does not appear in the expression");
    static constexpr bool ok = true;
};

} // namespace tapeless

#endif
