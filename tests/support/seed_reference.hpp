//! @file Defines an independent oracle for the seed network: its loss and closed-form gradients in double.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_SEED_REFERENCE_HPP
#define TAPELESS_TEST_SUPPORT_SEED_REFERENCE_HPP

#include <tapeless/tensor/tensor.hpp>

#include <cstddef>
#include <stdexcept>
#include <vector>

namespace tapeless::test {

//! The seed's loss and the gradients of it with respect to every leaf.
struct seed_gradients {
    double loss = 0.0;
    Tensor<double> w1, b1, x, w2, b2;
};

//! loss = mse(lin(relu(lin(x, w1, b1)), w2, b2), y) for x: N x D, y: N x O, w1: D x H, b1: 1 x H,
//! w2: H x O, b2: 1 x O, and its gradients, from their closed forms (below),
//! written per sample i and per hidden unit j with plain loops:
//!
//!   u1_ij = sum_d x_id w1_dj + b1_j                      (pre-activation)
//!   e_io  = sum_j max(0, u1_ij) w2_jo + b2_o - y_io      (the error of sample i, output o)
//!   MSE   = 1/(N O) sum_i sum_o e_io^2
//!   dMSE/dw2_jo = 2/(N O) sum_i e_io max(0, u1_ij)
//!   dMSE/db2_o  = 2/(N O) sum_i e_io
//!   and, for each (i, j) with u1_ij > 0 only (the case split sits inside the sum: it is per sample
//!   and per hidden unit; u1_ij <= 0 contributes 0), with g_ij = 2/(N O) sum_o e_io w2_jo:
//!   dMSE/dw1_dj += g_ij x_id,   dMSE/db1_j += g_ij,   dMSE/dx_id += g_ij w1_dj.
//!
//! The mean runs over all N·O elements of the output; with O = 1 (the seed) that is 1/N.
//! An oracle: no GEMM, no code shared with the library, nothing clever.
inline seed_gradients seed_reference(Tensor<double> const& x, Tensor<double> const& y, Tensor<double> const& w1,
                                     Tensor<double> const& b1, Tensor<double> const& w2,
                                     Tensor<double> const& b2) {
    std::size_t const N = x.rows(), D = x.cols(), H = w1.cols(), O = w2.cols();
    if (w1.rows() != D || b1.rows() != 1 || b1.cols() != H || w2.rows() != H || b2.rows() != 1 ||
        b2.cols() != O || y.rows() != N || y.cols() != O)
        throw std::invalid_argument("seed_reference: inconsistent shapes");

    seed_gradients r{0.0, Tensor<double>(D, H), Tensor<double>(1, H), Tensor<double>(N, D),
                     Tensor<double>(H, O), Tensor<double>(1, O)};
    double const scale = 2.0 / static_cast<double>(N * O);
    std::vector<double> u1(H), e(O);

    for (std::size_t i = 0; i < N; ++i) {
        // Forward for sample i.
        for (std::size_t j = 0; j < H; ++j) {
            double s = b1(0, j);
            for (std::size_t d = 0; d < D; ++d) s += x(i, d) * w1(d, j);
            u1[j] = s;
        }
        for (std::size_t o = 0; o < O; ++o) {
            double s = b2(0, o);
            for (std::size_t j = 0; j < H; ++j) s += (u1[j] > 0.0 ? u1[j] : 0.0) * w2(j, o);
            e[o] = s - y(i, o);
            r.loss += e[o] * e[o];
        }
        // Second layer: no case split, relu's output is already 0 where it is off.
        for (std::size_t o = 0; o < O; ++o) {
            r.b2(0, o) += scale * e[o];
            for (std::size_t j = 0; j < H; ++j) r.w2(j, o) += scale * e[o] * (u1[j] > 0.0 ? u1[j] : 0.0);
        }
        // First layer and input: per hidden unit, only where u1_ij > 0.
        for (std::size_t j = 0; j < H; ++j) {
            if (!(u1[j] > 0.0)) continue;
            double g = 0.0;
            for (std::size_t o = 0; o < O; ++o) g += scale * e[o] * w2(j, o);
            r.b1(0, j) += g;
            for (std::size_t d = 0; d < D; ++d) {
                r.w1(d, j) += g * x(i, d);
                r.x(i, d) += g * w1(d, j);
            }
        }
    }
    r.loss /= static_cast<double>(N * O);
    return r;
}

} // namespace tapeless::test

#endif
