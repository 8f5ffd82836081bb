//! @file Defines `seed_net<T>`: the seed network's tensors and leaves, for tests that need the
//! model but not its data.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_SEED_HPP
#define TAPELESS_TEST_SUPPORT_SEED_HPP

#include "random.hpp"

#include <tapeless/tapeless.hpp>

namespace tapeless::test {

//! x: n x d, y: n x o, w1: d x h, b1: 1 x h, w2: h x o, b2: 1 x o, filled from `seed`.
template <class T>
struct seed_net {
    Tensor<T> x, y, w1, b1, w2, b2;
    seed_net(std::size_t n, std::size_t d, std::size_t h, std::size_t o, std::uint64_t seed = 1)
        : x(n, d), y(n, o), w1(d, h), b1(1, h), w2(h, o), b2(1, o) {
        fill_uniform(x, seed + 1);
        fill_uniform(y, seed + 2);
        fill_uniform(w1, seed + 3);
        fill_uniform(b1, seed + 4);
        fill_uniform(w2, seed + 5);
        fill_uniform(b2, seed + 6);
    }
    auto X() const { return input<"x">(x); }
    auto Y() const { return input<"y">(y); }
    auto W1() const { return param<"w1">(w1); }
    auto B1() const { return param<"b1">(b1); }
    auto W2() const { return param<"w2">(w2); }
    auto B2() const { return param<"b2">(b2); }
    auto loss() const { return mse(lin(relu(lin(X(), W1(), B1())), W2(), B2()), Y()); }
    auto compile() const { return tapeless::compile(loss(), W1(), B1(), W2(), B2()); }
};

} // namespace tapeless::test

#endif
