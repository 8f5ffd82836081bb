//! @file Defines `tapeless::optim::clip_grad_norm`: an optimizer step with the gradients scaled down to a global norm.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPTIM_CLIP_HPP
#define TAPELESS_OPTIM_CLIP_HPP

#include "../error.hpp"
#include "parameter_set.hpp"
#include "state.hpp"

#include <cmath>
#include <cstddef>
#include <string>

namespace tapeless::optim {

//! Takes one step of `opt` with every gradient multiplied by min(1, max_norm / (‖g‖ + 1e-6)),
//! where ‖g‖ is the L2 norm of all the gradients together, as PyTorch's
//! `torch.nn.utils.clip_grad_norm_` before `optimizer.step()`; returns ‖g‖ before clipping.
//! The arguments are those of `opt.step` (pairs, or a parameter set and a compiled step):
//!
//!     auto norm = tl::optim::clip_grad_norm(opt, 1.0f, params, step);
//!
//! The gradients themselves are not written (they are views of the compiled step's buffers): the
//! factor goes into the update. The norm is summed in double, in a fixed order, so it does not
//! depend on the thread count. Throws `value_error`, before any parameter or optimizer state
//! changes, if `max_norm` is not positive or the norm is not finite (a NaN or infinity in a
//! gradient would otherwise reach every parameter).
template <class Opt, class... Args>
typename Opt::value_type clip_grad_norm(Opt& opt, typename Opt::value_type max_norm, Args&&... args) {
    using T = typename Opt::value_type;
    if (!(max_norm > T(0)))
        throw value_error("tapeless: clip_grad_norm: max_norm is " + std::to_string(double(max_norm)) +
                          ", not a positive number");
    auto pairs = detail::pairs_of<T>("clip_grad_norm", args...);
    detail::check_shapes<T>("clip_grad_norm", pairs);
    double sum = 0;
    for (auto const& p : pairs)
        for (std::size_t i = 0, n = p.grad_shape.size(); i < n; ++i) sum += double(p.grad[i]) * double(p.grad[i]);
    double const norm = std::sqrt(sum);
    if (!std::isfinite(norm))
        throw value_error("tapeless: clip_grad_norm: the gradients' norm is not finite (a gradient holds a NaN "
                          "or an infinity); no parameter was changed");
    double const coef = double(max_norm) / (norm + 1e-6);
    opt.step_scaled(coef < 1 ? T(coef) : T(1), args...);
    return T(norm);
}

} // namespace tapeless::optim

#endif
