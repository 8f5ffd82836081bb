// The seed network, relu(x·w1 + b1)·w2 + b2 under mean squared error, end to end: tapeless against
// the gradients' closed forms (an independent oracle, support/seed_reference.hpp) and against
// central finite differences, in double and float, with runtime and static extents.
#include "support/gradcheck.hpp"
#include "support/random.hpp"
#include "support/seed_reference.hpp"

#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>

namespace tl = tapeless;
using tapeless::test::relative_error;

namespace {

struct seed_data {
    std::size_t n, d, h, o;
    tl::Tensor<double> x, y, w1, b1, w2, b2;
    seed_data(std::size_t n_, std::size_t d_, std::size_t h_, std::size_t o_, std::uint64_t seed)
        : n(n_), d(d_), h(h_), o(o_), x(n, d), y(n, o), w1(d, h), b1(1, h), w2(h, o), b2(1, o) {
        tl::test::fill_uniform(x, seed + 1);
        tl::test::fill_uniform(y, seed + 2);
        tl::test::fill_uniform(w1, seed + 3);
        tl::test::fill_uniform(b1, seed + 4, -0.5, 0.5);
        tl::test::fill_uniform(w2, seed + 5);
        tl::test::fill_uniform(b2, seed + 6);
        // Keep every pre-activation away from relu's kink, where finite differences are meaningless.
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < h; ++j) {
                double u = b1(0, j);
                for (std::size_t k = 0; k < d; ++k) u += x(i, k) * w1(k, j);
                if (std::abs(u) < 1e-2) x(i, 0) += 0.1 / (w1(0, j) == 0 ? 1 : w1(0, j));
            }
    }
};

template <class T, std::size_t R, std::size_t C>
tl::Tensor<T, R, C> cast(tl::Tensor<double> const& a) {
    tl::Tensor<T, R, C> t(a.rows(), a.cols());
    for (std::size_t i = 0; i < a.size(); ++i) t.data()[i] = static_cast<T>(a.data()[i]);
    return t;
}

} // namespace

BOOST_AUTO_TEST_SUITE(models_seed)

BOOST_AUTO_TEST_CASE(closed_forms_and_finite_differences_double) {
    for (auto [n, d, h, o] : {std::array<std::size_t, 4>{5, 4, 3, 1}, {8, 4, 3, 2}, {17, 9, 6, 3}, {1, 3, 2, 1}}) {
        seed_data s(n, d, h, o, 42 + n);
        auto X = tl::param<"x">(s.x);
        auto Y = tl::input<"y">(s.y);
        auto W1 = tl::param<"w1">(s.w1);
        auto B1 = tl::param<"b1">(s.b1);
        auto W2 = tl::param<"w2">(s.w2);
        auto B2 = tl::param<"b2">(s.b2);
        auto loss = tl::mse(tl::lin(tl::relu(tl::lin(X, W1, B1)), W2, B2), Y);
        auto [value, gw1, gb1, gx, gw2, gb2] = tl::value_and_grad(loss, W1, B1, X, W2, B2);

        auto ref = tl::test::seed_reference(s.x, s.y, s.w1, s.b1, s.w2, s.b2);
        BOOST_TEST(std::abs(value - ref.loss) <= 1e-12 * std::max(1.0, ref.loss));
        BOOST_TEST(relative_error(gw1, ref.w1) < 1e-12);
        BOOST_TEST(relative_error(gb1, ref.b1) < 1e-12);
        BOOST_TEST(relative_error(gx, ref.x) < 1e-12);
        BOOST_TEST(relative_error(gw2, ref.w2) < 1e-12);
        BOOST_TEST(relative_error(gb2, ref.b2) < 1e-12);

        auto f = [&] { return tl::eval(loss)(0, 0); };
        BOOST_TEST(relative_error(gw1, tl::test::numerical_gradient(f, s.w1)) < 1e-6);
        BOOST_TEST(relative_error(gb1, tl::test::numerical_gradient(f, s.b1)) < 1e-6);
        BOOST_TEST(relative_error(gx, tl::test::numerical_gradient(f, s.x)) < 1e-6);
        BOOST_TEST(relative_error(gw2, tl::test::numerical_gradient(f, s.w2)) < 1e-6);
        BOOST_TEST(relative_error(gb2, tl::test::numerical_gradient(f, s.b2)) < 1e-6);
    }
}

BOOST_AUTO_TEST_CASE(static_extents_match_runtime_extents) {
    constexpr std::size_t N = 6, D = 5, H = 4, O = 2;
    seed_data s(N, D, H, O, 7);
    auto x = cast<double, N, D>(s.x);
    auto y = cast<double, N, O>(s.y);
    auto w1 = cast<double, D, H>(s.w1);
    auto b1 = cast<double, 1, H>(s.b1);
    auto w2 = cast<double, H, O>(s.w2);
    auto b2 = cast<double, 1, O>(s.b2);
    auto X = tl::input<"x">(x);
    auto Y = tl::input<"y">(y);
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);
    auto loss = tl::mse(tl::lin(tl::relu(tl::lin(X, W1, B1)), W2, B2), Y);
    static_assert(decltype(loss)::static_shape == tl::shape{1, 1});
    auto step = tl::compile(loss, W1, B1, W2, B2);
    step();
    auto ref = tl::test::seed_reference(s.x, s.y, s.w1, s.b1, s.w2, s.b2);
    BOOST_TEST(std::abs(step.value() - ref.loss) < 1e-12);
    auto gw1 = step.grad(W1);
    static_assert(decltype(gw1)::static_shape == tl::shape{D, H});
    BOOST_TEST(relative_error(gw1, ref.w1) < 1e-12);
    BOOST_TEST(relative_error(step.grad(B1), ref.b1) < 1e-12);
    BOOST_TEST(relative_error(step.grad(W2), ref.w2) < 1e-12);
    BOOST_TEST(relative_error(step.grad(B2), ref.b2) < 1e-12);
}

BOOST_AUTO_TEST_CASE(float_matches_double_reference) {
    for (auto [n, d, h, o] : {std::array<std::size_t, 4>{64, 784, 50, 1}, {8, 4, 3, 1}, {33, 17, 9, 3}}) {
        seed_data s(n, d, h, o, 3);
        auto x = cast<float, tl::dynamic, tl::dynamic>(s.x);
        auto y = cast<float, tl::dynamic, tl::dynamic>(s.y);
        auto w1 = cast<float, tl::dynamic, tl::dynamic>(s.w1);
        auto b1 = cast<float, tl::dynamic, tl::dynamic>(s.b1);
        auto w2 = cast<float, tl::dynamic, tl::dynamic>(s.w2);
        auto b2 = cast<float, tl::dynamic, tl::dynamic>(s.b2);
        auto X = tl::input<"x">(x);
        auto Y = tl::input<"y">(y);
        auto W1 = tl::param<"w1">(w1);
        auto B1 = tl::param<"b1">(b1);
        auto W2 = tl::param<"w2">(w2);
        auto B2 = tl::param<"b2">(b2);
        auto step = tl::compile(tl::mse(tl::lin(tl::relu(tl::lin(X, W1, B1)), W2, B2), Y), W1, B1, W2, B2);
        step();
        auto ref = tl::test::seed_reference(s.x, s.y, s.w1, s.b1, s.w2, s.b2);
        BOOST_TEST(std::abs(step.value() - ref.loss) <= 1e-5 * std::max(1.0, ref.loss));
        BOOST_TEST(relative_error(step.grad(W1), ref.w1) < 1e-4);
        BOOST_TEST(relative_error(step.grad(B1), ref.b1) < 1e-4);
        BOOST_TEST(relative_error(step.grad(W2), ref.w2) < 1e-4);
        BOOST_TEST(relative_error(step.grad(B2), ref.b2) < 1e-4);
    }
}

BOOST_AUTO_TEST_CASE(step_reads_the_tensors_as_they_are_now) {
    seed_data s(9, 4, 3, 1, 11);
    auto X = tl::input<"x">(s.x);
    auto Y = tl::input<"y">(s.y);
    auto W1 = tl::param<"w1">(s.w1);
    auto B1 = tl::param<"b1">(s.b1);
    auto W2 = tl::param<"w2">(s.w2);
    auto B2 = tl::param<"b2">(s.b2);
    auto step = tl::compile(tl::mse(tl::lin(tl::relu(tl::lin(X, W1, B1)), W2, B2), Y), W1, B1, W2, B2);
    for (int round = 0; round < 3; ++round) {
        step();
        auto ref = tl::test::seed_reference(s.x, s.y, s.w1, s.b1, s.w2, s.b2);
        BOOST_TEST(std::abs(step.value() - ref.loss) < 1e-12);
        BOOST_TEST(relative_error(step.grad(W1), ref.w1) < 1e-12);
        BOOST_TEST(relative_error(step.grad(B1), ref.b1) < 1e-12);
        for (std::size_t i = 0; i < s.w1.size(); ++i) s.w1.data()[i] -= 0.1 * step.grad(W1).data()[i];
        s.y(0, 0) += 0.5;
    }
}

BOOST_AUTO_TEST_SUITE_END()
