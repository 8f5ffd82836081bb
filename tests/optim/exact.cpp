// The first two steps of each optimizer against values worked out by hand from the update rules.
#include "support/hand_worked.hpp"

#include <tapeless/optim/optim.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <utility>

namespace tl = tapeless;
namespace tt = boost::test_tools;

namespace {

using types = tl::test::element_types;
template <class T>
constexpr double tol = tl::test::hand_tol<T>;

// Two steps on p = (p0, p1) with gradients g1 then g2; returns p after each step.
template <class T, class Opt>
auto two_steps(Opt& opt, T p0, T p1, tl::Tensor<T, 1, 2> const& g1, tl::Tensor<T, 1, 2> const& g2) {
    tl::Tensor<T, 1, 2> p{{p0, p1}};
    opt.step(p, g1.view());
    tl::Tensor<T, 1, 2> after1 = p;
    opt.step(p, g2.view());
    return std::pair{after1, p};
}

} // namespace

BOOST_AUTO_TEST_SUITE(optim_exact)

BOOST_AUTO_TEST_CASE_TEMPLATE(sgd_with_weight_decay, T, types) {
    // p ← p − lr·(g + wd·p), lr = 0.1, wd = 0.5, from (1, −2):
    //   1: 1 − 0.1·(0.5 + 0.5)    = 0.9     −2 − 0.1·(1 − 1)     = −2
    //   2: 0.9 − 0.1·(−1 + 0.45)  = 0.955   −2 − 0.1·(2 − 1)     = −2.1
    tl::optim::sgd<T> opt({.lr = T(0.1), .weight_decay = T(0.5)});
    auto [a, b] = two_steps<T>(opt, 1, -2, {{T(0.5), 1}}, {{-1, 2}});
    BOOST_TEST(a(0, 0) == 0.9, tt::tolerance(tol<T>));
    BOOST_TEST(a(0, 1) == -2.0, tt::tolerance(tol<T>));
    BOOST_TEST(b(0, 0) == 0.955, tt::tolerance(tol<T>));
    BOOST_TEST(b(0, 1) == -2.1, tt::tolerance(tol<T>));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(momentum_heavy_ball, T, types) {
    // v ← 0.9·v + g, p ← p − 0.1·v, from (1, 0), g1 = (1, −2), g2 = (1, 0.5):
    //   1: v = (1, −2)      p = (0.9, 0.2)
    //   2: v = (1.9, −1.3)  p = (0.71, 0.33)
    tl::optim::momentum<T> opt({.lr = T(0.1), .momentum = T(0.9)});
    auto [a, b] = two_steps<T>(opt, 1, 0, {{1, -2}}, {{1, T(0.5)}});
    BOOST_TEST(a(0, 0) == 0.9, tt::tolerance(tol<T>));
    BOOST_TEST(a(0, 1) == 0.2, tt::tolerance(tol<T>));
    BOOST_TEST(b(0, 0) == 0.71, tt::tolerance(tol<T>));
    BOOST_TEST(b(0, 1) == 0.33, tt::tolerance(tol<T>));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(momentum_nesterov, T, types) {
    // v ← 0.9·v + g, p ← p − 0.1·(g + 0.9·v), same start and gradients:
    //   1: v = (1, −2)      p = (1 − 0.19, 0 + 0.38)            = (0.81, 0.38)
    //   2: v = (1.9, −1.3)  p = (0.81 − 0.271, 0.38 + 0.067)    = (0.539, 0.447)
    tl::optim::momentum<T> opt({.lr = T(0.1), .momentum = T(0.9), .nesterov = true});
    auto [a, b] = two_steps<T>(opt, 1, 0, {{1, -2}}, {{1, T(0.5)}});
    BOOST_TEST(a(0, 0) == 0.81, tt::tolerance(tol<T>));
    BOOST_TEST(a(0, 1) == 0.38, tt::tolerance(tol<T>));
    BOOST_TEST(b(0, 0) == 0.539, tt::tolerance(tol<T>));
    BOOST_TEST(b(0, 1) == 0.447, tt::tolerance(tol<T>));
}

// Adam with lr = 0.1, β = (0.9, 0.999), eps = 1e-8, from (1, 0), g1 = (2, −0.5), g2 = (−1, −0.5):
//   1: m = (0.2, −0.05)    v = (0.004, 0.00025)        m̂ = (2, −0.5)           v̂ = (4, 0.25)
//   2: m = (0.08, −0.095)  v = (0.004996, 0.00049975)  m̂ = m/0.19 = (0.08/0.19, −0.5)
//                                                      v̂ = v/0.001999 = (0.004996/0.001999, 0.25)
// A constant gradient (second coordinate) moves p by lr each step, up to eps.
BOOST_AUTO_TEST_CASE_TEMPLATE(adam, T, types) {
    double const eps = 1e-8;
    double const a0 = 1 - 0.1 * 2 / (2 + eps), a1 = 0 + 0.1 * 0.5 / (0.5 + eps);
    double const b0 = a0 - 0.1 * (0.08 / 0.19) / (std::sqrt(0.004996 / 0.001999) + eps);
    double const b1 = a1 + 0.1 * 0.5 / (0.5 + eps);
    tl::optim::adam<T> opt({.lr = T(0.1)});
    auto [a, b] = two_steps<T>(opt, 1, 0, {{2, T(-0.5)}}, {{-1, T(-0.5)}});
    BOOST_TEST(opt.step_count() == 2u);
    BOOST_TEST(a(0, 0) == a0, tt::tolerance(tol<T>));
    BOOST_TEST(a(0, 1) == a1, tt::tolerance(tol<T>));
    BOOST_TEST(b(0, 0) == b0, tt::tolerance(tol<T>));
    BOOST_TEST(b(0, 1) == b1, tt::tolerance(tol<T>));
}

// AdamW: the same, plus p ← (1 − lr·wd)·p = 0.99·p before each Adam step (wd = 0.1).
BOOST_AUTO_TEST_CASE_TEMPLATE(adamw, T, types) {
    double const eps = 1e-8;
    double const a0 = 0.99 * 1 - 0.1 * 2 / (2 + eps), a1 = 0.99 * 0 + 0.1 * 0.5 / (0.5 + eps);
    double const b0 = 0.99 * a0 - 0.1 * (0.08 / 0.19) / (std::sqrt(0.004996 / 0.001999) + eps);
    double const b1 = 0.99 * a1 + 0.1 * 0.5 / (0.5 + eps);
    tl::optim::adam<T> opt({.lr = T(0.1), .weight_decay = T(0.1)});
    auto [a, b] = two_steps<T>(opt, 1, 0, {{2, T(-0.5)}}, {{-1, T(-0.5)}});
    BOOST_TEST(a(0, 0) == a0, tt::tolerance(tol<T>));
    BOOST_TEST(a(0, 1) == a1, tt::tolerance(tol<T>));
    BOOST_TEST(b(0, 0) == b0, tt::tolerance(tol<T>));
    BOOST_TEST(b(0, 1) == b1, tt::tolerance(tol<T>));
}

// reset() forgets the moments and t: the next step is a first step again.
BOOST_AUTO_TEST_CASE(adam_reset_restarts_bias_correction) {
    tl::optim::adam<double> opt({.lr = 0.1});
    tl::Tensor<double, 1, 1> p, g{{3.0}};
    for (int k = 0; k < 5; ++k) opt.step(p, g);
    opt.reset();
    BOOST_TEST(opt.step_count() == 0u);
    double before = p(0, 0);
    opt.step(p, g);
    BOOST_TEST(p(0, 0) == before - 0.1 * 3 / (3 + 1e-8), tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_SUITE_END()
