// Losses: cross-entropy with class labels and with probabilities, binary cross-entropy on logits,
// the L2 penalty; values against direct formulas, gradients against finite differences, and the
// stable ones at logits of magnitude 1000 against a long double reference computed the stable way.
#include "support/check.hpp"
#include "support/random.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>

namespace tl = tapeless;
using tl::test::check_gradients;
using tl::test::rnd;

namespace {
tl::Tensor<double> labels_for(std::size_t n, std::size_t classes, std::uint64_t seed) {
    tl::Tensor<double> t(n, 1);
    tl::test::rng g(seed);
    for (std::size_t i = 0; i < n; ++i) t(i, 0) = double(g() % classes);
    return t;
}
// -mean_i log softmax(x)[i, label_i], in long double, with the row max taken out.
long double reference_ce(tl::Tensor<double> const& x, tl::Tensor<double> const& labels) {
    long double total = 0;
    for (std::size_t i = 0; i < x.rows(); ++i) {
        long double m = x(i, 0);
        for (std::size_t j = 0; j < x.cols(); ++j) m = std::max<long double>(m, x(i, j));
        long double s = 0;
        for (std::size_t j = 0; j < x.cols(); ++j) s += std::exp((long double)x(i, j) - m);
        total -= (long double)x(i, std::size_t(labels(i, 0))) - m - std::log(s);
    }
    return total / x.rows();
}
long double reference_bce(tl::Tensor<double> const& x, tl::Tensor<double> const& t) {
    long double total = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        long double v = x.data()[i];
        total += std::max<long double>(v, 0) - v * t.data()[i] + std::log1p(std::exp(-std::abs(v)));
    }
    return total / x.size();
}
} // namespace

BOOST_AUTO_TEST_SUITE(ops_losses)

BOOST_AUTO_TEST_CASE(cross_entropy_with_labels) {
    auto logits = rnd(7, 5, 1, -2, 2);
    auto labels = labels_for(7, 5, 2);
    auto L = tl::input<"labels">(labels);
    double v = tl::eval(tl::cross_entropy(tl::input<"z">(logits), L))(0, 0);
    BOOST_TEST(v == double(reference_ce(logits, labels)), boost::test_tools::tolerance(1e-13));
    check_gradients([&](auto Z) { return tl::cross_entropy(Z, L); }, 1e-7, logits);
}

BOOST_AUTO_TEST_CASE(cross_entropy_with_probabilities) {
    auto logits = rnd(6, 4, 3, -2, 2);
    auto labels = labels_for(6, 4, 4);
    tl::Tensor<double> onehot(6, 4);
    for (std::size_t i = 0; i < 6; ++i) onehot(i, std::size_t(labels(i, 0))) = 1;
    auto P = tl::input<"p">(onehot);
    double hard = tl::eval(tl::cross_entropy(tl::input<"z">(logits), tl::input<"labels">(labels)))(0, 0);
    double soft = tl::eval(tl::cross_entropy_with_probs(tl::input<"z">(logits), P))(0, 0);
    BOOST_TEST(hard == soft, boost::test_tools::tolerance(1e-14));
    check_gradients([&](auto Z) { return tl::cross_entropy_with_probs(Z, P); }, 1e-7, logits);
}

BOOST_AUTO_TEST_CASE(binary_cross_entropy_on_logits_and_l2) {
    auto x = rnd(5, 3, 5, -3, 3), t = rnd(5, 3, 6, 0, 1);
    auto Tt = tl::input<"t">(t);
    BOOST_TEST(tl::eval(tl::binary_cross_entropy_with_logits(tl::input<"x">(x), Tt))(0, 0) ==
                   double(reference_bce(x, t)),
               boost::test_tools::tolerance(1e-13));
    check_gradients([&](auto X) { return tl::binary_cross_entropy_with_logits(X, Tt); }, 1e-7, x);
    check_gradients([&](auto X) { return tl::mean(tl::square(X)) + 1e-2 * tl::l2(X); }, 1e-7, x);
}

BOOST_AUTO_TEST_CASE(stable_at_magnitude_1000) {
    tl::Tensor<double> z{{1000, -1000, 0, 999}, {-1000, -999, -1001, -1000.5}, {500, 1000, -1000, 1000}};
    tl::Tensor<double> labels{{1}, {0}, {2}};
    auto Z = tl::param<"z">(z);
    auto L = tl::input<"labels">(labels);
    auto [ce, g] = tl::value_and_grad(tl::cross_entropy(Z, L), Z);
    BOOST_TEST(std::isfinite(ce));
    BOOST_TEST(ce == double(reference_ce(z, labels)), boost::test_tools::tolerance(1e-12));
    for (std::size_t i = 0; i < g.size(); ++i) BOOST_TEST(std::isfinite(g.data()[i]));
    // d/dz = (softmax - onehot)/rows; row 0: softmax ≈ (0.731, 0, 0, 0.269), label 1.
    BOOST_TEST(g(0, 1) == -1.0 / 3, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(g(0, 0) == 1 / (1 + std::exp(-1.0)) / 3, boost::test_tools::tolerance(1e-12));

    auto ls = tl::eval(tl::log_softmax(Z));
    BOOST_TEST(ls(0, 1) == -2000 - std::log1p(std::exp(-1.0)), boost::test_tools::tolerance(1e-12));
    auto sp = tl::eval(tl::softplus(Z));
    BOOST_TEST(sp(0, 0) == 1000.0);
    BOOST_TEST(sp(0, 1) == std::exp(-1000.0)); // underflows to 0 in double, as the true value does
    auto sg = tl::eval(tl::sigmoid(Z));
    BOOST_TEST(sg(0, 0) == 1.0);
    BOOST_TEST(sg(0, 1) == 0.0);
    BOOST_TEST(sg(0, 2) == 0.5);

    tl::Tensor<double> t{{1, 0, 0.5, 1}, {0, 1, 0, 0.5}, {1, 1, 0, 0}};
    auto [bce, gb] = tl::value_and_grad(tl::binary_cross_entropy_with_logits(Z, tl::input<"t">(t)), Z);
    BOOST_TEST(bce == double(reference_bce(z, t)), boost::test_tools::tolerance(1e-12));
    for (std::size_t i = 0; i < gb.size(); ++i) BOOST_TEST(std::isfinite(gb.data()[i]));

    // Float too: the same inputs stay finite in single precision.
    tl::Tensor<float> zf(3, 4);
    for (std::size_t i = 0; i < z.size(); ++i) zf.data()[i] = float(z.data()[i]);
    tl::Tensor<float> lf{{1}, {0}, {2}};
    auto ZF = tl::param<"z">(zf);
    auto [cef, gf] = tl::value_and_grad(tl::cross_entropy(ZF, tl::input<"labels">(lf)), ZF);
    BOOST_TEST(cef == float(reference_ce(z, labels)), boost::test_tools::tolerance(1e-5f));
    for (std::size_t i = 0; i < gf.size(); ++i) BOOST_TEST(std::isfinite(gf.data()[i]));
}

BOOST_AUTO_TEST_SUITE_END()
