//! @file Defines the tutorial's first program (docs/tutorial.md): the seed network written once,
//! its derived gradients printed, and the same gradients computed by the hand derivation.
// SPDX-License-Identifier: BSL-1.0
//
// docs/tutorial.md shows the regions between the `//! [...]` markers and this program's output;
// tapeless.docs.snippets checks both, and ctest runs the program.
#include <tapeless/tapeless.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <iostream>

namespace tl = tapeless;

namespace {

// Deterministic values in [-1, 1): the tutorial's numbers do not depend on a random engine.
void fill(tl::Tensor<double>& t, double seed) {
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = std::sin(seed * double(i + 1)) * 0.999;
}

double largest_difference(auto const& a, auto const& b) {
    double d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a.data()[i] - b.data()[i]));
    return d;
}

} // namespace

int main() {
    //! [network]
    std::size_t const N = 8, D = 4, H = 3;                  // batch, inputs, hidden units
    tl::Tensor<double> x(N, D), y(N, 1), w1(D, H), b1(1, H), w2(H, 1), b2(1, 1);
    auto X = tl::input<"x">(x);
    auto Y = tl::input<"y">(y);
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);

    auto loss = tl::mse(tl::lin(tl::relu(tl::lin(X, W1, B1)), W2, B2), Y);
    //! [network]
    fill(x, 1.1), fill(y, 2.3), fill(w1, 0.7), fill(b1, 3.1), fill(w2, 1.9), fill(b2, 0.4);

    //! [print]
    std::cout << "loss = " << tl::to_string(loss) << "\n\n";
    std::cout << "∂loss/∂w1 = " << tl::to_string(tl::grad(loss, W1)) << "\n\n";
    std::cout << "∂loss/∂b1 = " << tl::to_string(tl::grad(loss, B1)) << "\n\n";
    std::cout << "∂loss/∂w2 = " << tl::to_string(tl::grad(loss, W2)) << "\n\n";
    std::cout << "∂loss/∂b2 = " << tl::to_string(tl::grad(loss, B2)) << "\n\n";
    //! [print]

    //! [hand]
    // The hand derivation, written with loops: e = (2/N)(prediction - y), the relu mask, then one
    // matrix product per weight and a column sum per bias.
    tl::Tensor<double> z(N, H), h(N, H), e(N, 1), d(N, H);
    tl::Tensor<double> hw1(D, H), hb1(1, H), hw2(H, 1), hb2(1, 1);   // zero-initialised
    for (std::size_t i = 0; i < N; ++i) {
        double pred = b2(0, 0);
        for (std::size_t j = 0; j < H; ++j) {
            z(i, j) = b1(0, j);
            for (std::size_t k = 0; k < D; ++k) z(i, j) += x(i, k) * w1(k, j);
            h(i, j) = std::max(0.0, z(i, j));
            pred += h(i, j) * w2(j, 0);
        }
        e(i, 0) = 2.0 / double(N) * (pred - y(i, 0));
    }
    for (std::size_t i = 0; i < N; ++i) {
        hb2(0, 0) += e(i, 0);
        for (std::size_t j = 0; j < H; ++j) {
            hw2(j, 0) += h(i, j) * e(i, 0);
            d(i, j) = z(i, j) > 0 ? e(i, 0) * w2(j, 0) : 0.0;
            hb1(0, j) += d(i, j);
            for (std::size_t k = 0; k < D; ++k) hw1(k, j) += x(i, k) * d(i, j);
        }
    }
    //! [hand]

    //! [compare]
    auto [value, gw1, gb1, gw2, gb2] = tl::value_and_grad(loss, W1, B1, W2, B2);
    double const worst = std::max({largest_difference(gw1, hw1), largest_difference(gb1, hb1),
                                   largest_difference(gw2, hw2), largest_difference(gb2, hb2)});
    std::printf("loss %.6f; derived and hand-written gradients agree to %s\n", value,
                worst < 1e-14 ? "1e-14" : "less than 1e-14 (a bug!)");
    //! [compare]
    return worst < 1e-14 ? 0 : 1;
}
