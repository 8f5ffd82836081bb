//! @file Defines `check_gradients`: one call checks an expression's value and every gradient
//! against central finite differences in double.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_CHECK_HPP
#define TAPELESS_TEST_SUPPORT_CHECK_HPP

#include "gradcheck.hpp"

#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <tuple>
#include <utility>

namespace tapeless::test {

//! Leaf names for generated checks: param<names[I]>.
inline constexpr fixed_string<3> names[] = {"p0", "p1", "p2", "p3", "p4"};

//! `build(leaves...)` must return a 1 x 1 expression of the leaves `param<"p0">(ts[0])`, ...
//! Checks, for every tensor, the gradient from `value_and_grad` against central differences of
//! `eval` (relative error below `tolerance`), all in double.
template <class Build, class... Ts>
void check_gradients(Build build, double tolerance, Ts&... ts) {
    auto run = [&]<std::size_t... I>(std::index_sequence<I...>, auto&... tensors) {
        auto leaves = std::tuple{param<names[I]>(tensors)...};
        auto loss = std::apply(build, leaves);
        return std::pair{tapeless::eval(loss)(0, 0),
                         std::apply([&](auto const&... l) { return value_and_grad(loss, l...); }, leaves)};
    };
    auto seq = std::index_sequence_for<Ts...>{};
    auto result = run(seq, ts...); // not a structured binding: clang 14 cannot capture those
    double const value = result.first;
    auto const& vg = result.second;
    BOOST_TEST(std::abs(std::get<0>(vg) - value) <= 1e-12 * std::max(1.0, std::abs(value)));

    auto f = [&] {
        auto leaves = [&]<std::size_t... I>(std::index_sequence<I...>) {
            return std::tuple{param<names[I]>(ts)...};
        }(seq);
        return tapeless::eval(std::apply(build, leaves))(0, 0);
    };
    auto check_one = [&](std::size_t i, auto const& analytic, auto& tensor) {
        BOOST_TEST_CONTEXT("gradient of p" << i) {
            BOOST_TEST(relative_error(analytic, numerical_gradient(f, tensor)) < tolerance);
        }
    };
    [&]<std::size_t... I>(std::index_sequence<I...>) { (check_one(I, std::get<I + 1>(vg), ts), ...); }(seq);
}

} // namespace tapeless::test

#endif
