//! @file The optimizers' umbrella header: `tapeless::optim::sgd`, `momentum`, `adam`, `clip_grad_norm` and `warmup_cosine`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPTIM_OPTIM_HPP
#define TAPELESS_OPTIM_OPTIM_HPP

//! Calling convention, the same for every optimizer: `step` takes (parameter, gradient) pairs,
//!
//!     tapeless::optim::adam<float> opt({.lr = 1e-3f});
//!     auto step = tapeless::compile(loss, W1, B1, W2, B2);
//!     for (...) {
//!         step();
//!         opt.step(w1, step.grad(W1), b1, step.grad(B1), w2, step.grad(W2), b2, step.grad(B2));
//!     }
//!
//! A parameter is a mutable `Tensor<T, R, C>` or `TensorView<T, R, C>`; a gradient anything with
//! `data()`, `rows()`, `cols()` of element type T, such as the `TensorView<T const, R, C>` that
//! `grad` returns. Static extents are checked at compile time, runtime ones at every step
//! (`shape_error`, before anything is written).
//!
//! With `<tapeless/params.hpp>`, a parameter set stands for all the pairs: `opt.step(params, step)`
//! pairs each leaf's tensor with `step.grad(leaf)`, in the set's order, and writes the tensor the
//! leaf views (`binding_error` if it was moved from, or if the leaf views storage, not a `Tensor`).
//!
//! Why pairs rather than registering parameters (`opt.add(w1)`, then `opt.step(g1, ...)`): each
//! gradient sits next to the tensor it updates, so a misordered list is visible at the call site
//! and a static-shape mismatch is a compile error, which a registry that erased the parameter's
//! type could only report at run time. Stateful optimizers still remember the tensors of their
//! first step and reject another order (`binding_error`): state never silently moves between
//! two same-shaped parameters.
//!
//! Training helpers: `clip_grad_norm(opt, max_norm, pairs...)` takes `opt`'s step with the
//! gradients scaled to a global L2 norm of at most `max_norm`; `warmup_cosine` gives the learning
//! rate per step (`opt.options().lr = lr(t)`). AdamW is `adam` with `weight_decay`.
//!
//! Allocation: `sgd` never allocates; `momentum` and `adam` allocate their state once, at the
//! first step; every later step allocates nothing.

#include "adam.hpp"
#include "clip.hpp"
#include "momentum.hpp"
#include "schedule.hpp"
#include "sgd.hpp"

#endif
