//! @file Defines `check_every_executor`: a step's loss and gradients bitwise equal on every
//! executor, and the helpers it uses (`same_bits`, `copy_of`).
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_EXECUTORS_HPP
#define TAPELESS_TEST_SUPPORT_EXECUTORS_HPP

#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

namespace tapeless::test {

//! Whether two views hold the same bits (NaN payloads and signed zeros included).
template <class A, class B>
bool same_bits(A const& a, B const& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), a.size() * sizeof(*a.data())) == 0;
}

//! A tensor holding a copy of `v`.
template <class T>
Tensor<T> copy_of(TensorView<T const> v) {
    Tensor<T> t(v.rows(), v.cols());
    std::copy_n(v.data(), v.size(), t.data());
    return t;
}

//! Runs `step` on each executor and checks that the loss and every gradient are bitwise those of
//! `serial`; returns how many kernels run in more than one block.
template <class Step, class... W>
std::size_t check_every_executor(Step& step, W const&... w) {
    using T = typename Step::value_type;
    step(serial);
    T const loss = step.value();
    std::vector<Tensor<T>> grads{copy_of<T>(step.grad(w))...};
    for (std::size_t n : {1u, 2u, 3u, 0u}) {
        for (int repeat = 0; repeat < 3; ++repeat) { // different interleavings each time
            step(threads(n));
            BOOST_TEST_CONTEXT("threads(" << n << "), run " << repeat) {
                T const now = step.value();
                BOOST_TEST(std::memcmp(&loss, &now, sizeof(T)) == 0);
                std::size_t k = 0;
                auto same = [&](auto const& leaf) { BOOST_TEST(same_bits(grads[k++], step.grad(leaf))); };
                (same(w), ...);
            }
        }
    }
    return static_cast<std::size_t>(
        std::count_if(step.partitions().begin(), step.partitions().end(), [](auto const& p) { return p.blocks > 1; }));
}

} // namespace tapeless::test

#endif
