// Every optimizer minimizes the convex quadratic f(x) = ½ xᵀAx − bᵀx, whose optimum is A⁻¹b.
// Gradients are written by hand, so these tests depend on nothing but the optimizers and tensors.
#include <tapeless/optim/optim.hpp>

#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

namespace tl = tapeless;

namespace {

// A symmetric positive definite (eigenvalues ≈ 1.3, 2.7, 4.7); b = A·x* for x* = A⁻¹b = (1, −2, 3).
constexpr double a_mat[3][3] = {{4, 1, 0}, {1, 3, 1}, {0, 1, 2}};
constexpr double b_vec[3] = {2, -2, 4};
constexpr double x_star[3] = {1, -2, 3};

// ∇f(x) = A·x − b.
template <class X, class G>
void gradient(X const& x, G& g) {
    for (std::size_t i = 0; i < 3; ++i) {
        double s = -b_vec[i];
        for (std::size_t j = 0; j < 3; ++j) s += a_mat[i][j] * double(x(0, j));
        g(0, i) = static_cast<typename G::value_type>(s);
    }
}

template <class X>
double distance_to_optimum(X const& x) {
    double d = 0;
    for (std::size_t i = 0; i < 3; ++i) d = std::max(d, std::abs(double(x(0, i)) - x_star[i]));
    return d;
}

// The same problem from x = 0 twice: as a static 1x3 tensor and as a runtime-extent one, each
// with its own optimizer, the gradient passed as the const view that compiled steps return.
template <class T, class Opt>
std::pair<double, double> minimize(Opt opt_static, Opt opt_dynamic, int steps) {
    tl::Tensor<T, 1, 3> xs, gs;
    tl::Tensor<T> xd(1, 3), gd(1, 3);
    for (int k = 0; k < steps; ++k) {
        gradient(xs, gs);
        gradient(xd, gd);
        opt_static.step(xs, std::as_const(gs).view());
        opt_dynamic.step(xd, std::as_const(gd).view());
    }
    return {distance_to_optimum(xs), distance_to_optimum(xd)};
}

template <class T>
constexpr double tolerance = sizeof(T) == 4 ? 1e-5 : 1e-10;

using types = boost::mpl::list<float, double>;

} // namespace

BOOST_AUTO_TEST_SUITE(optim_quadratic)

BOOST_AUTO_TEST_CASE_TEMPLATE(sgd_converges, T, types) {
    tl::optim::sgd<T> opt({.lr = T(0.2)}); // below 2/λmax ≈ 0.43
    auto [es, ed] = minimize<T>(opt, opt, 500);
    BOOST_TEST(es < tolerance<T>);
    BOOST_TEST(ed < tolerance<T>);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(momentum_converges, T, types) {
    tl::optim::momentum<T> opt({.lr = T(0.05), .momentum = T(0.9)});
    auto [es, ed] = minimize<T>(opt, opt, 1000);
    BOOST_TEST(es < tolerance<T>);
    BOOST_TEST(ed < tolerance<T>);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(nesterov_converges, T, types) {
    tl::optim::momentum<T> opt({.lr = T(0.05), .momentum = T(0.9), .nesterov = true});
    auto [es, ed] = minimize<T>(opt, opt, 1000);
    BOOST_TEST(es < tolerance<T>);
    BOOST_TEST(ed < tolerance<T>);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(adam_converges, T, types) {
    // Adam's steps are about lr in size whatever the gradient's scale: float needs a small lr to settle.
    tl::optim::adam<T> opt({.lr = T(sizeof(T) == 4 ? 0.01 : 0.05)});
    auto [es, ed] = minimize<T>(opt, opt, 3000);
    BOOST_TEST(es < 10 * tolerance<T>);
    BOOST_TEST(ed < 10 * tolerance<T>);
}

BOOST_AUTO_TEST_SUITE_END()
