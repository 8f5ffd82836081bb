//! @file Defines reproducible uniform and normal fills of tensors for tests.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_RANDOM_HPP
#define TAPELESS_TEST_SUPPORT_RANDOM_HPP

#include <tapeless/tensor/tensor.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <random>

namespace tapeless::test {

//! The engine every fill uses. std::mt19937_64's output sequence is fixed by the standard; the
//! std distributions are not, so the conversions below are written out: the same seed gives the
//! same values with libstdc++, libc++ and MSVC.
using rng = std::mt19937_64;

//! Uniform in [0, 1): the top 53 bits of one draw.
inline double uniform01(rng& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }

//! Standard normal by Box-Muller (one draw of the pair is dropped: simplicity over speed).
inline double standard_normal(rng& g) {
    double u1 = 1.0 - uniform01(g); // (0, 1]: log(u1) is finite
    double u2 = uniform01(g);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

//! Every element uniform in [lo, hi), drawn row by row from `g`.
template <class T, std::size_t R, std::size_t C>
void fill_uniform(Tensor<T, R, C>& t, rng& g, double lo = -1.0, double hi = 1.0) {
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<T>(lo + (hi - lo) * uniform01(g));
}
template <class T, std::size_t R, std::size_t C>
void fill_uniform(Tensor<T, R, C>& t, std::uint64_t seed, double lo = -1.0, double hi = 1.0) {
    rng g(seed);
    fill_uniform(t, g, lo, hi);
}
//! A rows x cols tensor filled by `fill_uniform` from `seed`.
template <class T = double>
Tensor<T> uniform_tensor(std::size_t rows, std::size_t cols, std::uint64_t seed, double lo = -1.0, double hi = 1.0) {
    Tensor<T> t(rows, cols);
    fill_uniform(t, seed, lo, hi);
    return t;
}

//! Every element normal(mean, stddev), drawn row by row from `g`.
template <class T, std::size_t R, std::size_t C>
void fill_normal(Tensor<T, R, C>& t, rng& g, double mean = 0.0, double stddev = 1.0) {
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<T>(mean + stddev * standard_normal(g));
}
template <class T, std::size_t R, std::size_t C>
void fill_normal(Tensor<T, R, C>& t, std::uint64_t seed, double mean = 0.0, double stddev = 1.0) {
    rng g(seed);
    fill_normal(t, g, mean, stddev);
}

//! A `rows x cols` tensor filled by fill_uniform: the one-liner most tests want.
template <class T>
Tensor<T> random_uniform(std::size_t rows, std::size_t cols, std::uint64_t seed, double lo = -1.0, double hi = 1.0) {
    Tensor<T> t(rows, cols);
    fill_uniform(t, seed, lo, hi);
    return t;
}

//! A fresh r x c double tensor, uniform on [lo, hi), reproducible from `seed`: the tests' shorthand.
inline Tensor<double> rnd(std::size_t r, std::size_t c, std::uint64_t seed, double lo = -1, double hi = 1) {
    Tensor<double> t(r, c);
    fill_uniform(t, seed, lo, hi);
    return t;
}

} // namespace tapeless::test

#endif
