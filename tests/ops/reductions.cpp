// Reductions along rows and columns and the softmax family: values and gradients.
#include "support/check.hpp"
#include "support/random.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>

namespace tl = tapeless;
using tl::test::check_gradients;
using tl::test::rnd;

BOOST_AUTO_TEST_SUITE(ops_reductions)

BOOST_AUTO_TEST_CASE(along_rows_and_columns) {
    tl::Tensor<double> x{{1, 2, 3}, {4, 5, 6}};
    auto X = tl::input<"x">(x);
    auto r = tl::eval(tl::sum_rows(X));
    BOOST_TEST(r.rows() == 2u);
    BOOST_TEST(r.cols() == 1u);
    BOOST_TEST(r(1, 0) == 15.0);
    auto c = tl::eval(tl::sum_cols(X));
    BOOST_TEST(c.rows() == 1u);
    BOOST_TEST(c(0, 2) == 9.0);
    BOOST_TEST(tl::eval(tl::mean_rows(X))(0, 0) == 2.0);
    BOOST_TEST(tl::eval(tl::mean_cols(X))(0, 1) == 3.5);
}

BOOST_AUTO_TEST_CASE(gradients) {
    auto a = rnd(4, 5, 1), wr = rnd(4, 1, 2), wc = rnd(1, 5, 3);
    auto WR = tl::input<"wr">(wr);
    auto WC = tl::input<"wc">(wc);
    check_gradients([&](auto A) { return tl::sum(tl::square(tl::sum_rows(A)) * WR); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::sum(tl::exp(tl::sum_cols(A)) * WC); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::sum(tl::mean_rows(tl::square(A)) * WR + tl::mean_cols(A) * WC); }, 1e-7, a);
}

BOOST_AUTO_TEST_CASE(softmax_rows_sum_to_one) {
    auto a = rnd(6, 4, 4, -3, 3);
    auto p = tl::eval(tl::softmax(tl::input<"a">(a)));
    for (std::size_t i = 0; i < 6; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < 4; ++j) s += p(i, j);
        BOOST_TEST(s == 1.0, boost::test_tools::tolerance(1e-14));
    }
    auto r = rnd(6, 4, 5);
    auto R = tl::input<"r">(r);
    check_gradients([&](auto A) { return tl::sum(tl::log_softmax(A) * R); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::sum(tl::softmax(A) * R); }, 1e-7, a);
}

BOOST_AUTO_TEST_SUITE_END()
