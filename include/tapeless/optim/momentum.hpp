//! @file Defines `tapeless::optim::momentum`, SGD with (optionally Nesterov) momentum.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPTIM_MOMENTUM_HPP
#define TAPELESS_OPTIM_MOMENTUM_HPP

#include "../config.hpp"
#include "../tensor/tensor.hpp"
#include "parameter_set.hpp"
#include "state.hpp"

#include <cstddef>
#include <span>

namespace tapeless::optim {

//! Hyperparameters of `momentum`; designated initializers: `momentum<float> opt({.lr = 0.1f, .nesterov = true})`.
template <element T>
struct momentum_options {
    T lr = T(0.01);
    T momentum = T(0.9);
    //! Nesterov's look-ahead form (Sutskever et al. 2013, as PyTorch writes it).
    bool nesterov = false;
    //! L2 penalty folded into the gradient, g + weight_decay·p.
    T weight_decay = T(0);
};

//! SGD with momentum, PyTorch's formulation (no dampening), with d = g + weight_decay·p:
//!   v ← μ·v + d;   p ← p − lr·v            (heavy ball)
//!   v ← μ·v + d;   p ← p − lr·(d + μ·v)    (nesterov)
//! v starts at zero, so the first step is plain SGD.
//!
//! State: one velocity buffer per parameter, allocated (in one block) by the FIRST `step`, which
//! fixes the parameter tensors and their order; later steps allocate nothing and throw
//! `binding_error` if given other tensors or another order. `reset()` forgets the state.
template <element T>
class momentum {
public:
    using value_type = T;
    using options_type = momentum_options<T>;

    explicit momentum(options_type o = {}) : options_(o) {}

    //! Updates each parameter in place from its gradient. Throws `shape_error` or
    //! `binding_error` before any parameter or state changes.
    template <class... Args>
    void step(Args&&... args) {
        step_scaled(T(1), args...);
    }

    //! `step` with every gradient multiplied by `scale` (what `clip_grad_norm` passes).
    template <class... Args>
    void step_scaled(T scale, Args&&... args) {
        auto pairs = detail::pairs_of<T>("momentum", args...);
        detail::check_shapes<T>("momentum", pairs);
        state_.bind("momentum", pairs);
        auto const& o = options_;
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            auto const& p = pairs[i];
            update(p.param, p.grad, state_.buffer(i, 0), p.param_shape.size(), o.lr, o.momentum, o.weight_decay,
                   o.nesterov, scale);
        }
    }

    //! Drops the velocities; the next step starts afresh and may take other parameters.
    void reset() { state_.reset(); }

    //! The hyperparameters; change `lr` between steps for a schedule.
    [[nodiscard]] options_type& options() { return options_; }
    [[nodiscard]] options_type const& options() const { return options_; }

    //! The velocities, for checkpoints (checkpoint/npz.hpp saves and restores them).
    [[nodiscard]] detail::state<T, 1>& checkpoint_state() { return state_; }

private:
    static void update(T* TAPELESS_RESTRICT p, T const* TAPELESS_RESTRICT g, T* TAPELESS_RESTRICT v,
                       std::size_t n, T lr, T mu, T wd, bool nesterov, T s) {
        // Two loops rather than a branch inside one: each is a straight line the vectorizer takes.
        if (nesterov) {
            for (std::size_t i = 0; i < n; ++i) {
                T d = s * g[i] + wd * p[i];
                v[i] = mu * v[i] + d;
                p[i] -= lr * (d + mu * v[i]);
            }
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                v[i] = mu * v[i] + (s * g[i] + wd * p[i]);
                p[i] -= lr * v[i];
            }
        }
    }

    options_type options_;
    detail::state<T, 1> state_;
};

} // namespace tapeless::optim

#endif
