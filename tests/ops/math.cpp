// Elementwise functions: value and gradient of each against finite differences, with numbers
// mixed in and with broadcasting in the binary ones.
#include "support/check.hpp"
#include "support/random.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>

namespace tl = tapeless;
using tl::test::check_gradients;
using tl::test::rnd;

namespace {
// Values at least `gap` away from every kink in `kinks`.
tl::Tensor<double> away_from(std::initializer_list<double> kinks, std::size_t r, std::size_t c, std::uint64_t seed,
                             double gap = 0.05) {
    auto t = rnd(r, c, seed, -2, 2);
    for (std::size_t i = 0; i < t.size(); ++i)
        for (double k : kinks)
            if (std::abs(t.data()[i] - k) < gap) t.data()[i] = k + (t.data()[i] < k ? -gap : gap);
    return t;
}
} // namespace

BOOST_AUTO_TEST_SUITE(ops_math)

BOOST_AUTO_TEST_CASE(smooth_unary) {
    auto a = rnd(4, 3, 1), pos = rnd(4, 3, 2, 0.2, 3.0), r = rnd(4, 3, 3);
    auto R = tl::input<"r">(r);
    check_gradients([&](auto A) { return tl::sum(tl::exp(A) * R); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::sum(tl::log(A) * R); }, 1e-7, pos);
    check_gradients([&](auto A) { return tl::sum(tl::sqrt(A) * R); }, 1e-7, pos);
    check_gradients([&](auto A) { return tl::sum(tl::tanh(A) * R); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::sum(tl::sigmoid(A) * R); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::sum(tl::softplus(A) * R); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::sum(tl::pow(A, 3.0) * R); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::sum(tl::pow(A, 0.5) * R); }, 1e-7, pos);
}

BOOST_AUTO_TEST_CASE(piecewise_unary) {
    auto a = away_from({0.0}, 5, 4, 4), r = rnd(5, 4, 5);
    auto R = tl::input<"r">(r);
    check_gradients([&](auto A) { return tl::sum(tl::abs(A) * R); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::sum(tl::leaky_relu(A, 0.1) * R); }, 1e-7, a);
    auto c = away_from({-0.5, 0.7}, 5, 4, 6);
    check_gradients([&](auto A) { return tl::sum(tl::clamp(A, -0.5, 0.7) * R); }, 1e-7, c);
    check_gradients([&](auto A) { return tl::sum(tl::max(A, 0.0) * R); }, 1e-7, a);
}

BOOST_AUTO_TEST_CASE(binary_with_broadcasting) {
    auto a = rnd(4, 5, 7), b = rnd(4, 5, 8), row = rnd(1, 5, 9, 0.5, 2), col = rnd(4, 1, 10, 0.5, 2), r = rnd(4, 5, 11);
    auto R = tl::input<"r">(r);
    // Keep a and b apart so max and min have no ties.
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::abs(a.data()[i] - b.data()[i]) < 0.05) b.data()[i] += 0.1;
    check_gradients([&](auto A, auto B) { return tl::sum(tl::max(A, B) * R); }, 1e-7, a, b);
    check_gradients([&](auto A, auto B) { return tl::sum(tl::min(A, B) * R); }, 1e-7, a, b);
    check_gradients([&](auto A, auto B) { return tl::sum(A / B * R); }, 1e-7, a, row);
    check_gradients([&](auto A, auto B) { return tl::sum(B / A * R); }, 1e-7, col, row); // outer quotient
    check_gradients([&](auto A, auto B) { return tl::sum((A / B - 2.0 / B) * R); }, 1e-7, a, col);
    check_gradients([&](auto B) { return tl::sum((1.0 / B + B / 4.0) * R); }, 1e-7, row);
}

BOOST_AUTO_TEST_CASE(values) {
    tl::Tensor<double> x{{-2, 0.5}, {3, -0.25}};
    auto X = tl::input<"x">(x);
    auto c = tl::eval(tl::clamp(X, -1.0, 1.0));
    BOOST_TEST(c(0, 0) == -1.0);
    BOOST_TEST(c(1, 0) == 1.0);
    BOOST_TEST(c(1, 1) == -0.25);
    auto l = tl::eval(tl::leaky_relu(X, 0.5));
    BOOST_TEST(l(0, 0) == -1.0);
    BOOST_TEST(l(1, 0) == 3.0);
    auto p = tl::eval(tl::pow(X, 2.0));
    BOOST_TEST(p(0, 0) == 4.0);
}

BOOST_AUTO_TEST_CASE(transpose_read_by_loops) {
    auto a = rnd(3, 4, 12), b = rnd(4, 3, 13), r = rnd(4, 3, 14);
    auto R = tl::input<"r">(r);
    check_gradients([&](auto A, auto B) { return tl::sum((tl::transpose(A) * B + tl::exp(tl::transpose(A))) * R); },
                    1e-7, a, b);
    auto t = tl::eval(tl::transpose(tl::input<"a">(a)));
    BOOST_TEST(t(3, 1) == a(1, 3));
}

BOOST_AUTO_TEST_SUITE_END()
