// gelu, tanh approximation: values against the formula in long double and PyTorch's spot values,
// both tails (where the literal formula cancels) and huge |x|, gradients against finite
// differences at several extents, first and second derivatives against their closed forms, and
// Hessian-vector products through a gelu layer.
#include "support/check.hpp"
#include "support/hvp.hpp"
#include "support/random.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <numbers>
#include <tuple>
#include <utility>
#include <vector>

namespace tl = tapeless;
using tl::test::check_gradients;
using tl::test::rnd;

namespace {
using ld = long double;

// References, written from the definition y = x/2 (1 + t), t = tanh u, u = √(2/π)(x + a x³).
ld const k = std::sqrt(2 / std::numbers::pi_v<ld>);
ld const a = 0.044715L;
ld u_of(ld x) { return k * (x + a * x * x * x); }
ld du_of(ld x) { return k * (1 + 3 * a * x * x); }
ld gelu_tanh(ld x) { return x / 2 * (1 + std::tanh(u_of(x))); }
// The same function as x σ(2u): 1 + tanh u cancels for u << 0, even in long double (u = -25 at
// x = -8: 1 + t ~ 1e-22), so the tails are checked against this form.
ld gelu_sigma(ld x) { return x / (1 + std::exp(-2 * u_of(x))); }
ld slope_tanh(ld x) {
    ld const t = std::tanh(u_of(x));
    return (1 + t) / 2 + x / 2 * (1 - t * t) * du_of(x);
}
ld curvature_tanh(ld x) { // d/dx of slope_tanh: (1 - t²)(u' - x t u'² + x u''/2), u'' = 6 k a x
    ld const t = std::tanh(u_of(x)), du = du_of(x);
    return (1 - t * t) * (du - x * t * du * du + x * 3 * k * a * x);
}
// e^{2u} turns the rounding of u in T into |2u| times as many ulps, whatever the formula.
template <class T>
ld tolerance(ld x, ld ulps) {
    return ulps * (1 + std::abs(2 * u_of(x))) * std::numeric_limits<T>::epsilon();
}

template <class T>
tl::Tensor<T> row(std::vector<double> const& v) {
    tl::Tensor<T> t(1, v.size());
    for (std::size_t j = 0; j < v.size(); ++j) t(0, j) = static_cast<T>(v[j]);
    return t;
}
std::vector<double> grid(double lo, double hi, double step) {
    std::vector<double> v;
    for (double x = lo; x <= hi; x += step) v.push_back(x);
    return v;
}


template <class T>
void check_values(std::vector<double> const& xs) {
    auto x = row<T>(xs);
    auto y = tl::eval(tl::gelu(tl::input<"x">(x)));
    for (std::size_t j = 0; j < x.size(); ++j) {
        ld const xj = x(0, j), ref = xj >= -3 ? gelu_tanh(xj) : gelu_sigma(xj);
        BOOST_TEST_CONTEXT("gelu(" << xj << ") = " << double(ref) << ", got " << y(0, j)) {
            BOOST_TEST(std::abs(ld(y(0, j)) - ref) <= tolerance<T>(xj, 3) * std::abs(ref));
        }
    }
}
} // namespace

BOOST_AUTO_TEST_SUITE(ops_gelu)

BOOST_AUTO_TEST_CASE(spot_values) {
    // PyTorch, F.gelu(torch.tensor(±1., dtype=torch.float64), approximate='tanh').
    tl::Tensor<double> x{{1.0, -1.0, 0.0}};
    auto y = tl::eval(tl::gelu(tl::input<"x">(x)));
    double const eps = std::numeric_limits<double>::epsilon();
    BOOST_TEST(std::abs(y(0, 0) - 0.8411919906082768) <= 2 * eps * 0.8411919906082768);
    BOOST_TEST(std::abs(y(0, 1) - -0.15880800939172324) <= 4 * eps * 0.15880800939172324);
    BOOST_TEST(y(0, 2) == 0.0);
    BOOST_TEST(std::abs(ld(y(0, 0)) - gelu_tanh(1)) <= eps * gelu_tanh(1));
}

BOOST_AUTO_TEST_CASE(values_against_the_formula) {
    check_values<double>(grid(-3, 8, 0.0625));
    check_values<float>(grid(-3, 8, 0.0625));
    check_values<double>({-1e-12, 1e-12, -1e-300, 1e-300, 0.1, -0.1});
    check_values<float>({-1e-12f, 1e-12f, -1e-30f, 1e-30f, 0.1f, -0.1f});
}

BOOST_AUTO_TEST_CASE(negative_tail) {
    // Every digit of x σ(2u) while the result is a normal number; the literal formula in double
    // gives 0 at x = -10 (tanh u rounds to -1) and loses half the digits at -6.
    check_values<double>({-4, -5, -6, -8, -10, -12, -16, -20});
    check_values<float>({-4, -5, -6, -8, -9});
    double const kd = 0.7978845608028654, x = -10;
    BOOST_TEST(0.5 * x * (1 + std::tanh(kd * (x + 0.044715 * x * x * x))) == 0.0);
}

BOOST_AUTO_TEST_CASE(huge_magnitudes) {
    // x³ overflows (float beyond 7e12, double beyond 5e102): x itself, 0, and derivatives 1 and 0,
    // never NaN.
    auto check = [](auto big) {
        using T = decltype(big);
        tl::Tensor<T> x{{T(30), T(-30), T(1e3), T(-1e3), big, -big}};
        auto X = tl::param<"x">(x);
        auto y = tl::eval(tl::gelu(X));
        auto [v, g] = tl::value_and_grad(tl::sum(tl::gelu(X)), X);
        tl::Tensor<T> ones(1, x.cols(), T(1));
        auto h = tl::eval(tl::hvp(tl::sum(tl::gelu(X)), X, tl::input<"v">(ones)));
        for (std::size_t j = 0; j < x.cols(); ++j) {
            bool const positive = x(0, j) > 0;
            BOOST_TEST_CONTEXT("x = " << x(0, j)) {
                BOOST_TEST(y(0, j) == (positive ? x(0, j) : T(0)));
                BOOST_TEST(g(0, j) == (positive ? T(1) : T(0)));
                BOOST_TEST(h(0, j) == T(0));
            }
        }
        BOOST_TEST(v == T(30) + T(1e3) + big);
    };
    check(1e30f);
    check(1e200);
}

BOOST_AUTO_TEST_CASE(gradients_against_finite_differences) {
    // Random in [-6, 6], with the tails, the minimum (x ~ -0.75), both sides of 0 and large |x|
    // written over the first elements; 1x1, a row, a column and odd sizes.
    double const special[] = {-0.7517, -1e-9, 0.0, 1e-9, -9.0, 2.5, -3.0, 40.0, -40.0, 0.3, -1.7, 7.0};
    std::pair<std::size_t, std::size_t> const extents[] = {{1, 1}, {1, 9}, {7, 1}, {3, 5}, {13, 17}};
    std::uint64_t seed = 1;
    for (auto [r, c] : extents) {
        BOOST_TEST_CONTEXT(r << "x" << c) {
            auto a = rnd(r, c, seed++, -6, 6), w = rnd(r, c, seed++);
            for (std::size_t i = 0; i < a.size() && i < std::size(special); ++i) a.data()[i] = special[i];
            auto W = tl::input<"w">(w);
            check_gradients([&](auto A) { return tl::sum(tl::gelu(A) * W); }, 1e-7, a);
            check_gradients([&](auto A) { return tl::mean(tl::gelu(2.0 * A - 1.0)); }, 1e-7, a);
        }
    }
}

BOOST_AUTO_TEST_CASE(derivatives_against_their_closed_forms) {
    // ∂Σgelu(x)/∂x is gelu'(x), and H·1 of Σgelu(x) is gelu''(x), elementwise.
    auto check = [](auto zero, std::vector<double> const& xs) {
        using T = decltype(zero);
        auto x = row<T>(xs);
        tl::Tensor<T> ones(1, x.cols(), T(1));
        auto X = tl::param<"x">(x);
        auto g = std::get<1>(tl::value_and_grad(tl::sum(tl::gelu(X)), X));
        auto h = tl::eval(tl::hvp(tl::sum(tl::gelu(X)), X, tl::input<"v">(ones)));
        for (std::size_t j = 0; j < x.cols(); ++j) {
            ld const xj = x(0, j), d1 = slope_tanh(xj), d2 = curvature_tanh(xj);
            // Relative, with a floor: gelu' crosses 0 at x ~ -0.75, gelu'' at ±1.4.
            BOOST_TEST_CONTEXT("x = " << xj << ": gelu' = " << double(d1) << ", gelu'' = " << double(d2)) {
                BOOST_TEST(std::abs(ld(g(0, j)) - d1) <= tolerance<T>(xj, 8) * std::max<ld>(std::abs(d1), 0.25L));
                BOOST_TEST(std::abs(ld(h(0, j)) - d2) <= tolerance<T>(xj, 16) * std::max<ld>(std::abs(d2), 0.25L));
            }
        }
    };
    check(0.0, grid(-3, 8, 0.0625));
    check(0.0f, grid(-3, 8, 0.0625));
    check(0.0, {-1e-9, 1e-9});
}

BOOST_AUTO_TEST_CASE(hessian_vector_products) {
    // A gelu layer and a linear read-out, with an l2 term: H·v against differences of gradients.
    std::size_t n = 7, d = 3, h = 5;
    auto x = rnd(n, d, 11, -2, 2), y = rnd(n, 1, 12), w1 = rnd(d, h, 13), b1 = rnd(1, h, 14), w2 = rnd(h, 1, 15);
    auto v = rnd(d, h, 16), u = rnd(h, 1, 17);
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto make_loss = [&] {
        return tl::mse(tl::matmul(tl::gelu(tl::lin(tl::input<"x">(x), W1, B1)), W2), tl::input<"y">(y)) +
               1e-2 * tl::l2(W1);
    };
    auto hv = tl::eval(tl::hvp(make_loss(), W1, tl::input<"v">(v)));
    BOOST_TEST(tl::test::relative_error(hv, tl::test::fd_hvp(make_loss, w1, W1, v)) < 1e-6);
    auto hu = tl::eval(tl::hvp(make_loss(), W2, tl::input<"v">(u)));
    BOOST_TEST(tl::test::relative_error(hu, tl::test::fd_hvp(make_loss, w2, W2, u)) < 1e-6);
}

BOOST_AUTO_TEST_SUITE_END()
