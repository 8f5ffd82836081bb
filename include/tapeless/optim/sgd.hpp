//! @file Defines `tapeless::optim::sgd`, plain stochastic gradient descent.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPTIM_SGD_HPP
#define TAPELESS_OPTIM_SGD_HPP

#include "../config.hpp"
#include "../tensor/tensor.hpp"
#include "parameter_set.hpp"
#include "state.hpp"

#include <cstddef>
#include <span>

namespace tapeless::optim {

//! Hyperparameters of `sgd`; designated initializers: `sgd<float> opt({.lr = 0.1f})`.
template <element T>
struct sgd_options {
    T lr = T(0.01);
    //! L2 penalty folded into the gradient, g + weight_decay·p (as PyTorch's SGD).
    T weight_decay = T(0);
};

//! Stochastic gradient descent: p ← p − lr·(g + weight_decay·p).
//! Stateless, so it never allocates, and the pairs may differ from one step to the next.
//! `opt.step(w1, step.grad(W1), b1, step.grad(B1))`: see optim.hpp for the calling convention.
template <element T>
class sgd {
public:
    using value_type = T;
    using options_type = sgd_options<T>;

    explicit sgd(options_type o = {}) : options_(o) {}

    //! Updates each parameter in place from its gradient. Throws `shape_error` if a gradient's
    //! shape differs from its parameter's, before any parameter changes.
    template <class... Args>
    void step(Args&&... args) {
        step_scaled(T(1), args...);
    }

    //! `step` with every gradient multiplied by `scale` (what `clip_grad_norm` passes).
    template <class... Args>
    void step_scaled(T scale, Args&&... args) {
        auto pairs = detail::pairs_of<T>("sgd", args...);
        detail::check_shapes<T>("sgd", pairs);
        for (auto const& p : pairs)
            update(p.param, p.grad, p.param_shape.size(), options_.lr, options_.weight_decay, scale);
    }

    //! The hyperparameters; change `lr` between steps for a schedule.
    [[nodiscard]] options_type& options() { return options_; }
    [[nodiscard]] options_type const& options() const { return options_; }

private:
    static void update(T* TAPELESS_RESTRICT p, T const* TAPELESS_RESTRICT g, std::size_t n, T lr, T wd, T s) {
        for (std::size_t i = 0; i < n; ++i) p[i] -= lr * (s * g[i] + wd * p[i]);
    }

    options_type options_;
};

} // namespace tapeless::optim

#endif
