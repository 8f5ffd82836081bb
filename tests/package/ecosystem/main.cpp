//! @file A consumer of the installed package that trains on Eigen matrices through a parameter
//! set, saves a checkpoint, loads it into fresh matrices and checks they hold the same values.
// SPDX-License-Identifier: BSL-1.0
#include <tapeless/eigen.hpp>
#include <tapeless/checkpoint/npz.hpp>
#include <tapeless/params.hpp>
#include <tapeless/tapeless.hpp>
#include <tapeless/version.hpp>

#include <Eigen/Dense>

#include <cstdio>

namespace tl = tapeless;
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

int main() {
    std::printf("tapeless %d.%d.%d\n", TAPELESS_VERSION_MAJOR, TAPELESS_VERSION_MINOR,
                TAPELESS_VERSION_PATCH);
    Matrix x = Matrix::Random(32, 8), y = Matrix::Random(32, 1);
    tl::Tensor<float> w1(8, 16), b1(1, 16), w2(16, 1), b2(1, 1);
    Eigen::Map<Matrix>(w1.data(), 8, 16) = 0.3f * Matrix::Random(8, 16);
    Eigen::Map<Matrix>(w2.data(), 16, 1) = 0.3f * Matrix::Random(16, 1);

    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);
    auto params = tl::parameters(W1, B1, W2, B2);
    auto loss = tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(x), W1, B1)), W2, B2), tl::input<"y">(y));
    auto step = tl::compile(loss, params);
    tl::optim::adam<float> adam({.lr = 1e-2f});
    step();
    float const first = step.value();
    for (int i = 0; i < 200; ++i) {
        step();
        adam.step(params, step);
    }
    step();
    std::printf("loss %g -> %g\n", double(first), double(step.value()));
    if (!(step.value() < first)) return 1;

    tl::save_npz("ecosystem.npz", params, adam);
    tl::Tensor<float> v1(8, 16), c1(1, 16), v2(16, 1), c2(1, 1);
    tl::optim::adam<float> resumed({.lr = 1e-2f});
    tl::load_npz("ecosystem.npz", tl::parameters(tl::param<"w1">(v1), tl::param<"b1">(c1), tl::param<"w2">(v2),
                                                 tl::param<"b2">(c2)),
                 resumed);
    bool const same = tl::as_eigen(v1) == tl::as_eigen(w1) && tl::as_eigen(c2) == tl::as_eigen(b2);
    std::printf("checkpoint round trip: %s\n", same ? "same values" : "DIFFERENT");
    return same ? 0 : 1;
}
