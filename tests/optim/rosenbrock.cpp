// Adam and momentum find the minimum (1, 1) of the Rosenbrock function
// f(x, y) = (1 − x)² + 100·(y − x²)², from the classic start (−1.2, 1), along its curved valley.
#include <tapeless/optim/optim.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>

namespace tl = tapeless;

namespace {

// ∂f/∂x = −2(1 − x) − 400·x·(y − x²),  ∂f/∂y = 200·(y − x²).
template <class Opt>
double minimize(Opt opt, int steps) {
    tl::Tensor<double, 1, 2> p{{-1.2, 1.0}}, g;
    for (int k = 0; k < steps; ++k) {
        double x = p(0, 0), y = p(0, 1);
        g(0, 0) = -2 * (1 - x) - 400 * x * (y - x * x);
        g(0, 1) = 200 * (y - x * x);
        opt.step(p, g);
    }
    return std::max(std::abs(p(0, 0) - 1), std::abs(p(0, 1) - 1));
}

} // namespace

BOOST_AUTO_TEST_SUITE(optim_rosenbrock)

BOOST_AUTO_TEST_CASE(adam_reaches_minimum) {
    BOOST_TEST(minimize(tl::optim::adam<double>({.lr = 0.02}), 10000) < 1e-3);
}

BOOST_AUTO_TEST_CASE(momentum_reaches_minimum) {
    // lr·λmax ≈ 1e-3 · 1.3e3 stays below 2(1 + μ): stable along the whole path.
    BOOST_TEST(minimize(tl::optim::momentum<double>({.lr = 1e-3, .momentum = 0.9}), 10000) < 1e-6);
}

BOOST_AUTO_TEST_CASE(nesterov_reaches_minimum) {
    BOOST_TEST(minimize(tl::optim::momentum<double>({.lr = 1e-3, .momentum = 0.9, .nesterov = true}), 10000) <
               1e-6);
}

BOOST_AUTO_TEST_SUITE_END()
