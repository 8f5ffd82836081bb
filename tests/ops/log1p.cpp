// log1p: ln(1 + x) to full precision near 0 (std::log1p, where log(1 + x) rounds 1 + x), values
// against the long double reference on (-1, large), the edge at -1, gradients against finite
// differences at several extents and the first and second derivatives against 1/(1 + x), -1/(1 + x)².
#include "support/check.hpp"
#include "support/random.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <tuple>
#include <utility>
#include <vector>

namespace tl = tapeless;
using tl::test::check_gradients;
using tl::test::rnd;

namespace {
using ld = long double;

template <class T>
tl::Tensor<T> row(std::vector<double> const& v) {
    tl::Tensor<T> t(1, v.size());
    for (std::size_t j = 0; j < v.size(); ++j) t(0, j) = static_cast<T>(v[j]);
    return t;
}

// Values, first and second derivatives (H·1 of Σ log1p(x)) of every element of xs, in T.
template <class T>
void check_row(std::vector<double> const& xs, double ulps) {
    auto x = row<T>(xs);
    tl::Tensor<T> ones(1, x.cols(), T(1));
    auto X = tl::param<"x">(x);
    auto y = tl::eval(tl::log1p(X));
    auto g = std::get<1>(tl::value_and_grad(tl::sum(tl::log1p(X)), X));
    auto h = tl::eval(tl::hvp(tl::sum(tl::log1p(X)), X, tl::input<"v">(ones)));
    ld const eps = std::numeric_limits<T>::epsilon();
    for (std::size_t j = 0; j < x.cols(); ++j) {
        ld const xj = x(0, j), v = std::log1p(xj), d1 = 1 / (1 + xj), d2 = -d1 * d1;
        BOOST_TEST_CONTEXT("x = " << xj) {
            BOOST_TEST(y(0, j) == std::log1p(x(0, j))); // std::log1p in T, bit for bit
            BOOST_TEST(std::abs(ld(y(0, j)) - v) <= ulps * eps * std::abs(v));
            BOOST_TEST(std::abs(ld(g(0, j)) - d1) <= ulps * eps * std::abs(d1));
            BOOST_TEST(std::abs(ld(h(0, j)) - d2) <= 2 * ulps * eps * std::abs(d2));
        }
    }
}
} // namespace

BOOST_AUTO_TEST_SUITE(ops_log1p)

BOOST_AUTO_TEST_CASE(tiny_arguments) {
    // log1p(x) = x - x²/2 + ...: x itself to full precision for |x| ~ 1e-10 and below.
    std::vector<double> const tiny{1e-10, -1e-10, 3e-12, -7e-15, 1e-300, -1e-300, 0.0};
    auto x = row<double>(tiny);
    auto y = tl::eval(tl::log1p(tl::input<"x">(x)));
    double const eps = std::numeric_limits<double>::epsilon();
    for (std::size_t j = 0; j < x.cols(); ++j) {
        double const xj = x(0, j);
        BOOST_TEST(y(0, j) == std::log1p(xj));
        BOOST_TEST(std::abs(ld(y(0, j)) - (ld(xj) - ld(xj) * ld(xj) / 2)) <= eps * std::abs(xj));
    }
    // What log(1 + x) would give: 1 + 1e-10 is rounded first, 8e-8 off relative.
    BOOST_TEST(std::abs(std::log(1 + 1e-10) - 1e-10) > 1e-18);
    check_row<double>(tiny, 2);
    check_row<float>({1e-10, -1e-10, 3e-7, -3e-7, 1e-30, 0.0}, 2);
}

BOOST_AUTO_TEST_CASE(values_and_derivatives) {
    std::vector<double> xs{-0.999, -0.9, -0.5, -0.25, 0.001, 0.5, 1.0, 2.0, 10.0, 1e3, 1e6};
    check_row<float>(xs, 2);
    xs.push_back(1e30); // -1/(1 + x)² = -1e-60 is below float's range
    check_row<double>(xs, 2);
}

BOOST_AUTO_TEST_CASE(edge_at_minus_one) {
    tl::Tensor<double> x{{-1.0, -2.0}};
    auto y = tl::eval(tl::log1p(tl::input<"x">(x)));
    BOOST_TEST(y(0, 0) == -std::numeric_limits<double>::infinity());
    BOOST_TEST(std::isnan(y(0, 1)));
}

BOOST_AUTO_TEST_CASE(gradients_against_finite_differences) {
    // Random in (-0.9, 20], with tiny |x|, 0 and large x written over the first elements; 1x1,
    // a row, a column and odd sizes.
    // (1x1 gets 3: Σ log1p(x)² at x ~ 1e-10 has a gradient below the differences' truncation.)
    double const special[] = {3.0, 1e-10, -1e-10, 0.0, -0.85, 500.0, -0.5, 1e-5, 12.0, -0.3, 0.75, 100.0};
    std::pair<std::size_t, std::size_t> const extents[] = {{1, 1}, {1, 9}, {7, 1}, {3, 5}, {13, 17}};
    std::uint64_t seed = 101;
    for (auto [r, c] : extents) {
        BOOST_TEST_CONTEXT(r << "x" << c) {
            auto a = rnd(r, c, seed++, -0.9, 20), w = rnd(r, c, seed++);
            for (std::size_t i = 0; i < a.size() && i < std::size(special); ++i) a.data()[i] = special[i];
            auto W = tl::input<"w">(w);
            check_gradients([&](auto A) { return tl::sum(tl::log1p(A) * W); }, 1e-7, a);
            check_gradients([&](auto A) { return tl::mean(tl::square(tl::log1p(A))); }, 1e-7, a);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
