//! @file Defines `fd_hvp`: a Hessian-vector product by central differences of gradients, the
//! reference `hvp` is checked against.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_HVP_HPP
#define TAPELESS_TEST_SUPPORT_HVP_HPP

#include <tapeless/eval/compile.hpp>

#include <cstddef>
#include <tuple>

namespace tapeless::test {

//! (∇f(w + h v) - ∇f(w - h v)) / 2h along direction v, with ∇f from `value_and_grad` of the loss
//! `make_loss()` builds (it must read `w` each time); `w` is restored exactly afterwards.
template <class MakeLoss, class W>
Tensor<double> fd_hvp(MakeLoss make_loss, Tensor<double>& w, W const& leaf, Tensor<double> const& v) {
    double const h = 1e-5;
    Tensor<double> saved = w, out(w.rows(), w.cols());
    for (std::size_t i = 0; i < w.size(); ++i) w.data()[i] = saved.data()[i] + h * v.data()[i];
    auto gp = std::get<1>(tapeless::value_and_grad(make_loss(), leaf));
    for (std::size_t i = 0; i < w.size(); ++i) w.data()[i] = saved.data()[i] - h * v.data()[i];
    auto gm = std::get<1>(tapeless::value_and_grad(make_loss(), leaf));
    w = saved;
    for (std::size_t i = 0; i < w.size(); ++i) out.data()[i] = (gp.data()[i] - gm.data()[i]) / (2 * h);
    return out;
}

} // namespace tapeless::test

#endif
