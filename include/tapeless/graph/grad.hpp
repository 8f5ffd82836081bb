//! @file Defines `grad` and `hvp`: derivatives as expressions, to print, evaluate or
//! differentiate again.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_GRAD_HPP
#define TAPELESS_GRAPH_GRAD_HPP

#include "../expr/check.hpp"
#include "../ops/mul.hpp"
#include "../ops/sum.hpp"
#include "check.hpp"
#include "rebuild.hpp"
#include "bind.hpp"

#include <tuple>

namespace tapeless {

//! The gradient expressions themselves: ordinary expressions whose leaves are the loss's own, so
//! they can be printed, evaluated (`eval`) or differentiated again. With one leaf, its gradient
//! (`auto g = grad(loss, w)`); with several, a tuple of them in order (`auto [gw, gb] = ...`).
template <expression Loss, expression... Wrt>
auto grad(Loss const& loss, Wrt const&... wrt) {
    ((void)wrt_check<Loss, Wrt>::ok, ...);
    static_assert(!detail::calls_in<Loss>(),
                  "tapeless: grad: a loss with a repeat has no gradient expression (the block runs per layer); "
                  "use compile() or value_and_grad()");
    if (shape_result r = tapeless::built_shape(loss); r.ok()) check_loss_shape(r.value);
    using T = typename Loss::value_type;
    bindings<T, leaves_t<nodes_t<Loss>>> b;
    tapeless::collect(loss, b);
    (tapeless::collect(wrt, b), ...);
    auto all = std::tuple{tapeless::rebind<gradient_t<Loss, Wrt>>(b)...};
    if constexpr (sizeof...(Wrt) == 1) return std::get<0>(all);
    else return all;
}

//! The Hessian-vector product H·v of `loss` with respect to leaf `w`, as an expression: the
//! gradient of Σ (∂loss/∂w ⊙ v), so no Hessian is ever formed. `v` is an input leaf of w's shape.
template <expression Loss, expression W, expression V>
auto hvp(Loss const& loss, W const& w, V const& v) {
    (void)wrt_check<Loss, W>::ok;
    static_assert(!detail::calls_in<Loss>(),
                  "tapeless: hvp: a loss with a repeat has no gradient expression (the block runs per layer)");
    static_assert(is_leaf_v<V>, "tapeless: hvp: the direction v must be a leaf (input<\"v\">)");
    using T = typename Loss::value_type;
    using inner = node_of<op::sum, node_of<op::mul, gradient_t<Loss, W>, V>>;
    bindings<T, leaves_t<nodes_t<inner>>> b;
    tapeless::collect(loss, b);
    tapeless::collect(v, b);
    return tapeless::grad(tapeless::rebind<inner>(b), w);
}

} // namespace tapeless

#endif
