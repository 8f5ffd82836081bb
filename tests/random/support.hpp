//! @file Shared checker for the randomized gradient tests (tests/random/graphs_*.cpp, written by
//! tests/random/generate.py): one generic lambda builds a graph from either tapeless expressions
//! or tapeless::tape vars, and `check` compares the two and central finite differences.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_RANDOM_SUPPORT_HPP
#define TAPELESS_TEST_RANDOM_SUPPORT_HPP

#include "support/gradcheck.hpp"
#include "support/random.hpp"

#include <tapeless/tape/all.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace tapeless::test::random_graphs {

// ---------------------------------------------------------------------------------------------
// Leaf tensors. generate.py reproduces these values bit for bit (it implements std::mt19937_64 and
// uniform01 of support/random.hpp) to keep every graph away from kinks and domain edges.

//! R x C (static extents), every element uniform in [lo, hi) from `seed`.
template <std::size_t R, std::size_t C>
Tensor<double, R, C> uniform(std::uint64_t seed, double lo, double hi) {
    Tensor<double, R, C> t;
    fill_uniform(t, seed, lo, hi);
    return t;
}
//! rows x cols (runtime extents), every element uniform in [lo, hi) from `seed`.
inline Tensor<double> uniform(std::size_t rows, std::size_t cols, std::uint64_t seed, double lo, double hi) {
    Tensor<double> t(rows, cols);
    fill_uniform(t, seed, lo, hi);
    return t;
}
//! `layers` tensors R x C (static extents), layer l uniform in [lo, hi) from `seed + l`: a stack.
template <std::size_t R, std::size_t C>
std::vector<Tensor<double, R, C>> uniform_stack(std::size_t layers, std::uint64_t seed, double lo, double hi) {
    std::vector<Tensor<double, R, C>> v;
    for (std::size_t l = 0; l < layers; ++l) v.push_back(uniform<R, C>(seed + l, lo, hi));
    return v;
}
//! The same with runtime extents.
inline std::vector<Tensor<double>> uniform_stack(std::size_t layers, std::size_t rows, std::size_t cols,
                                                 std::uint64_t seed, double lo, double hi) {
    std::vector<Tensor<double>> v;
    for (std::size_t l = 0; l < layers; ++l) v.push_back(uniform(rows, cols, seed + l, lo, hi));
    return v;
}
//! Class labels for cross_entropy: element i of the column is (seed + 7 i) mod classes.
template <std::size_t R>
Tensor<double, R, 1> labels(std::size_t classes, std::uint64_t seed) {
    Tensor<double, R, 1> t;
    for (std::size_t i = 0; i < R; ++i) t(i, 0) = static_cast<double>((seed + 7 * i) % classes);
    return t;
}
inline Tensor<double> labels(std::size_t rows, std::size_t classes, std::uint64_t seed) {
    Tensor<double> t(rows, 1);
    for (std::size_t i = 0; i < rows; ++i) t(i, 0) = static_cast<double>((seed + 7 * i) % classes);
    return t;
}

// ---------------------------------------------------------------------------------------------
// The two vocabularies a graph is written in: `o.relu(x)`, `o.matmul(a, b)`, ... with `o` one of
// these; + - * / and unary minus are the operators of either.

//! tapeless expressions.
struct lib {
    static auto relu(auto const& x) { return tapeless::relu(x); }
    static auto leaky_relu(auto const& x, double slope) { return tapeless::leaky_relu(x, slope); }
    static auto square(auto const& x) { return tapeless::square(x); }
    static auto exp(auto const& x) { return tapeless::exp(x); }
    static auto log(auto const& x) { return tapeless::log(x); }
    static auto sqrt(auto const& x) { return tapeless::sqrt(x); }
    static auto abs(auto const& x) { return tapeless::abs(x); }
    static auto tanh(auto const& x) { return tapeless::tanh(x); }
    static auto sigmoid(auto const& x) { return tapeless::sigmoid(x); }
    static auto softplus(auto const& x) { return tapeless::softplus(x); }
    static auto pow(auto const& x, double p) { return tapeless::pow(x, p); }
    static auto max(auto const& a, auto const& b) { return tapeless::max(a, b); }
    static auto min(auto const& a, auto const& b) { return tapeless::min(a, b); }
    static auto clamp(auto const& x, double lo, double hi) { return tapeless::clamp(x, lo, hi); }
    static auto matmul(auto const& a, auto const& b) { return tapeless::matmul(a, b); }
    static auto transpose(auto const& x) { return tapeless::transpose(x); }
    static auto lin(auto const& x, auto const& w, auto const& b) { return tapeless::lin(x, w, b); }
    static auto sum(auto const& x) { return tapeless::sum(x); }
    static auto mean(auto const& x) { return tapeless::mean(x); }
    static auto sum_rows(auto const& x) { return tapeless::sum_rows(x); }
    static auto sum_cols(auto const& x) { return tapeless::sum_cols(x); }
    static auto mean_rows(auto const& x) { return tapeless::mean_rows(x); }
    static auto mean_cols(auto const& x) { return tapeless::mean_cols(x); }
    static auto log_softmax(auto const& x) { return tapeless::log_softmax(x); }
    static auto softmax(auto const& x) { return tapeless::softmax(x); }
    static auto cross_entropy(auto const& x, auto const& labels) { return tapeless::cross_entropy(x, labels); }
    static auto binary_cross_entropy_with_logits(auto const& x, auto const& t) {
        return tapeless::binary_cross_entropy_with_logits(x, t);
    }
    static auto l2(auto const& x) { return tapeless::l2(x); }
    static auto mse(auto const& a, auto const& b) { return tapeless::mse(a, b); }
    static auto repeat(auto block, auto const& x, auto const&... stacks) { return tapeless::repeat(block, x, stacks...); }
};

//! tapeless::tape vars (the oracle).
struct tap {
    using var = tapeless::tape::var<double>;
    static var relu(var const& x) { return tapeless::tape::relu(x); }
    static var leaky_relu(var const& x, double slope) { return tapeless::tape::leaky_relu(x, slope); }
    static var square(var const& x) { return tapeless::tape::square(x); }
    static var exp(var const& x) { return tapeless::tape::exp(x); }
    static var log(var const& x) { return tapeless::tape::log(x); }
    static var sqrt(var const& x) { return tapeless::tape::sqrt(x); }
    static var abs(var const& x) { return tapeless::tape::abs(x); }
    static var tanh(var const& x) { return tapeless::tape::tanh(x); }
    static var sigmoid(var const& x) { return tapeless::tape::sigmoid(x); }
    static var softplus(var const& x) { return tapeless::tape::softplus(x); }
    static var pow(var const& x, double p) { return tapeless::tape::pow(x, p); }
    static var max(var const& a, var const& b) { return tapeless::tape::max(a, b); }
    static var min(var const& a, var const& b) { return tapeless::tape::min(a, b); }
    // The tape's max/min take two vars; with a number c: max(x, c) = c + relu(x - c), and
    // min(x, c) = c - relu(c - x), equal away from the tie.
    static var max(var const& a, double c) { return c + tapeless::tape::relu(a - c); }
    static var max(double c, var const& a) { return max(a, c); }
    static var min(var const& a, double c) { return c - tapeless::tape::relu(c - a); }
    static var min(double c, var const& a) { return min(a, c); }
    static var clamp(var const& x, double lo, double hi) { return tapeless::tape::clamp(x, lo, hi); }
    static var matmul(var const& a, var const& b) { return tapeless::tape::matmul(a, b); }
    static var transpose(var const& x) { return tapeless::tape::transpose(x); }
    static var lin(var const& x, var const& w, var const& b) { return tapeless::tape::lin(x, w, b); }
    static var sum(var const& x) { return tapeless::tape::sum(x); }
    static var mean(var const& x) { return tapeless::tape::mean(x); }
    static var sum_rows(var const& x) { return tapeless::tape::sum_rows(x); }
    static var sum_cols(var const& x) { return tapeless::tape::sum_cols(x); }
    static var mean_rows(var const& x) { return tapeless::tape::mean_rows(x); }
    static var mean_cols(var const& x) { return tapeless::tape::mean_cols(x); }
    static var log_softmax(var const& x) { return tapeless::tape::log_softmax(x); }
    static var softmax(var const& x) { return tapeless::tape::softmax(x); }
    // The labels are an input leaf of class indices; the tape takes them as a tensor.
    static var cross_entropy(var const& x, var const& labels) { return tapeless::tape::cross_entropy(x, labels.value()); }
    static var binary_cross_entropy_with_logits(var const& x, var const& t) {
        return tapeless::tape::binary_cross_entropy_with_logits(x, t);
    }
    static var l2(var const& x) { return tapeless::tape::l2(x); }
    static var mse(var const& a, var const& b) { return tapeless::tape::mse(a, b); }
    // The layers one after another, as `tl::repeat` defines them.
    template <class Block, class... Stacks>
    static var repeat(Block block, var h, std::vector<var> const& first, Stacks const&... rest) {
        for (std::size_t i = 0; i < first.size(); ++i) h = block(h, first[i], rest[i]...);
        return h;
    }
};

//! The vocabulary of a value: a `repeat` block is captureless, so it finds its vocabulary from the
//! layer it is given.
template <class X>
auto vocabulary(X const&) {
    if constexpr (std::is_same_v<X, tap::var>) return tap{};
    else return lib{};
}

// ---------------------------------------------------------------------------------------------
// The checker.

inline constexpr fixed_string<3> param_names[] = {"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"};
inline constexpr fixed_string<3> input_names[] = {"i0", "i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8", "i9"};

template <class X>
inline constexpr bool is_stack = false;
template <class X>
inline constexpr bool is_stack<std::vector<X>> = true;

//! Leaf I of a graph for the library: a param or an input, or for a vector of tensors (the
//! layers of a `repeat`) a stack of params.
template <std::size_t I, std::size_t NP, class X>
auto lib_leaf(X& x) {
    if constexpr (is_stack<X>) {
        static_assert(I < NP, "a stack is a param");
        return tapeless::params<param_names[I]>(x);
    } else if constexpr (I < NP) {
        return tapeless::param<param_names[I]>(x);
    } else {
        return tapeless::input<input_names[I - NP]>(x);
    }
}

//! The same for the tape: a stack is one var per layer.
template <std::size_t I, std::size_t NP, class X>
auto tape_leaf(tapeless::tape::tape<double>& t, X& x) {
    if constexpr (is_stack<X>) {
        std::vector<tap::var> v;
        for (auto& layer : x) v.push_back(t.param(layer));
        return v;
    } else {
        return I < NP ? t.param(x) : t.input(x);
    }
}

//! Tolerances of the three comparisons.
inline constexpr double value_tolerance = 1e-12; // the step's value against the tape, relative to max(1, |value|)
inline constexpr double fd_tolerance = 1e-6;     // value_and_grad against central differences (relative_error)
inline constexpr double tape_tolerance = 1e-10;  // value_and_grad against the tape's gradient (relative_error)

// Reporting, kept out of the per-graph template so each graph instantiates as little as possible.
inline void expect_value(double value, double other, char const* what) {
    double const scale = std::max({1.0, std::abs(value), std::abs(other)});
    BOOST_TEST(std::abs(value - other) <= value_tolerance * scale,
               "compiled step " << value << " vs " << what << " " << other);
}
inline void expect_gradient(std::size_t param, double fd_err, double tape_err) {
    BOOST_TEST_CONTEXT("gradient of p" << param) {
        BOOST_TEST(fd_err < fd_tolerance, "against finite differences: relative error " << fd_err);
        BOOST_TEST(tape_err < tape_tolerance, "against the tape: relative error " << tape_err);
    }
}
inline double relative_error_of(TensorView<double const> a, TensorView<double const> b) { return relative_error(a, b); }

//! `graph(o, p0, ..., i0, ...)` builds a 1 x 1 loss in the vocabulary `o` (lib or tap) from the
//! leaves of `tensors`: the first NP are params p0, p1, ..., the rest inputs i0, i1, ... Checks
//! (1) the compiled step's value against the tape's forward value and value_and_grad's value, (2) every
//! param's gradient from value_and_grad against central differences, (3) the same gradients
//! against the tape's.
template <std::size_t NP, class Graph, class... Ts>
void check(Graph const& graph, Ts&... tensors) {
    static_assert(NP >= 1 && NP <= sizeof...(Ts) && NP <= 10 && sizeof...(Ts) - NP <= 10);
    auto const all = std::index_sequence_for<Ts...>{};
    auto const params = std::make_index_sequence<NP>{};

    auto leaves = [&]<std::size_t... I>(std::index_sequence<I...>) {
        return std::tuple{lib_leaf<I, NP>(tensors)...};
    }(all);
    auto loss = std::apply([&](auto const&... l) { return graph(lib{}, l...); }, leaves);

    // One compiled step, the loss with its gradients, serves every comparison: a second,
    // forward-only plan per graph (`tl::eval`) made these files 1.4x slower to compile, and
    // forward-only plans are checked by tests/oracles. value_and_grad compiles the same type.
    auto step = [&]<std::size_t... I>(std::index_sequence<I...>) {
        return tapeless::compile(loss, std::get<I>(leaves)...);
    }(params);
    auto vg = [&]<std::size_t... I>(std::index_sequence<I...>) {
        return tapeless::value_and_grad(loss, std::get<I>(leaves)...);
    }(params);
    step();
    double const value = static_cast<double>(step.value());

    tapeless::tape::tape<double> t;
    auto vars = [&]<std::size_t... I>(std::index_sequence<I...>) {
        return std::tuple{tape_leaf<I, NP>(t, tensors)...};
    }(all);
    auto tape_loss = std::apply([&](auto const&... v) { return graph(tap{}, v...); }, vars);
    // (1) forward values.
    expect_value(value, tape_loss.item(), "tape");
    expect_value(value, std::get<0>(vg), "value_and_grad");
    t.backward(tape_loss);

    // (2) and (3), per param. Finite differences re-run the compiled step, which reads whatever
    // the tensors hold when it runs.
    std::function<double()> f = [&] {
        step();
        return static_cast<double>(step.value());
    };
    auto per_param = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
        auto& x = std::get<I>(std::forward_as_tuple(tensors...));
        auto const& analytic = std::get<I + 1>(vg);
        if constexpr (is_stack<std::remove_cvref_t<decltype(x)>>) {
            // Per layer: value_and_grad gives a tensor per layer, the step a view per layer.
            BOOST_TEST(analytic.size() == x.size());
            BOOST_TEST(step.grad(std::get<I>(leaves)).size() == x.size());
            for (std::size_t layer = 0; layer < x.size() && layer < analytic.size(); ++layer) {
                BOOST_TEST_CONTEXT("layer " << layer) {
                    double const tape_err = relative_error_of(analytic[layer], t.grad(std::get<I>(vars)[layer]));
                    double const fd_err = relative_error_of(analytic[layer], numerical_gradient(f, x[layer]));
                    expect_gradient(I, fd_err, tape_err);
                }
            }
        } else {
            double const tape_err = relative_error_of(analytic, t.grad(std::get<I>(vars)));
            expect_gradient(I, relative_error_of(analytic, numerical_gradient(f, x)), tape_err);
        }
    };
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (per_param(std::integral_constant<std::size_t, I>{}), ...);
    }(params);
}

} // namespace tapeless::test::random_graphs

#endif
