// Second order: gradients are expressions, so they differentiate again. H·v from `hvp` against
// central differences of the gradient along v, on the seed network, a smooth tanh network and through broadcast biases.
#include "support/gradcheck.hpp"
#include "support/hvp.hpp"
#include "support/random.hpp"
#include "support/seed.hpp"

#include <boost/test/unit_test.hpp>

namespace tl = tapeless;

BOOST_AUTO_TEST_SUITE(graph_hvp)

BOOST_AUTO_TEST_CASE(seed_network) {
    tl::test::seed_net<double> s(6, 4, 5, 2, 9);
    tl::Tensor<double> v1(4, 5), v2(5, 2);
    tl::test::fill_uniform(v1, 21);
    tl::test::fill_uniform(v2, 22);
    auto make_loss = [&] { return s.loss(); };
    // The relu network is piecewise quadratic in w2 and piecewise linear-times-linear in w1.
    auto h1 = tl::eval(tl::hvp(s.loss(), s.W1(), tl::input<"v">(v1)));
    BOOST_TEST(tl::test::relative_error(h1, tl::test::fd_hvp(make_loss, s.w1, s.W1(), v1)) < 1e-6);
    auto h2 = tl::eval(tl::hvp(s.loss(), s.W2(), tl::input<"v">(v2)));
    BOOST_TEST(tl::test::relative_error(h2, tl::test::fd_hvp(make_loss, s.w2, s.W2(), v2)) < 1e-6);
}

BOOST_AUTO_TEST_CASE(smooth_tanh_network) {
    std::size_t n = 7, d = 3, h = 6;
    tl::Tensor<double> x(n, d), y(n, 1), w1(d, h), b1(1, h), w2(h, 1), v(d, h), u(h, 1);
    tl::test::fill_uniform(x, 1);
    tl::test::fill_uniform(y, 2);
    tl::test::fill_uniform(w1, 3);
    tl::test::fill_uniform(b1, 4);
    tl::test::fill_uniform(w2, 5);
    tl::test::fill_uniform(v, 6);
    tl::test::fill_uniform(u, 7);
    auto W1 = tl::param<"w1">(w1);
    auto W2 = tl::param<"w2">(w2);
    auto make_loss = [&] {
        return tl::mse(tl::matmul(tl::tanh(tl::lin(tl::input<"x">(x), W1, tl::param<"b1">(b1))), W2), tl::input<"y">(y)) +
               1e-2 * tl::l2(W1);
    };
    auto hv = tl::eval(tl::hvp(make_loss(), W1, tl::input<"v">(v)));
    BOOST_TEST(tl::test::relative_error(hv, tl::test::fd_hvp(make_loss, w1, W1, v)) < 1e-6);
    auto hu = tl::eval(tl::hvp(make_loss(), W2, tl::input<"v">(u)));
    BOOST_TEST(tl::test::relative_error(hu, tl::test::fd_hvp(make_loss, w2, W2, u)) < 1e-6);
}

// With respect to a bias broadcast over the batch: its gradient sums rows, and H·v broadcasts v
// back over them before summing again. A simplification once folded that broadcast into the
// outer sum (sum_to of a sum_to), losing the inner sum: H·v was off by half here.
BOOST_AUTO_TEST_CASE(broadcast_bias) {
    std::size_t n = 7, d = 3, h = 6, o = 2;
    tl::Tensor<double> x(n, d), y(n, o), w1(d, h), b1(1, h), w2(h, o), b2(1, o), v(1, h), u(1, o);
    tl::test::fill_uniform(x, 11);
    tl::test::fill_uniform(y, 12);
    tl::test::fill_uniform(w1, 13);
    tl::test::fill_uniform(b1, 14);
    tl::test::fill_uniform(w2, 15);
    tl::test::fill_uniform(b2, 16);
    tl::test::fill_uniform(v, 17);
    tl::test::fill_uniform(u, 18);
    auto B1 = tl::param<"b1">(b1);
    auto B2 = tl::param<"b2">(b2);
    auto X = tl::input<"x">(x);
    auto W1 = tl::param<"w1">(w1);
    auto W2 = tl::param<"w2">(w2);
    auto lin_loss = [&] { return tl::mse(tl::lin(tl::tanh(tl::lin(X, W1, B1)), W2, B2), tl::input<"y">(y)); };
    auto plus_loss = [&] { return tl::mse(tl::matmul(tl::tanh(tl::matmul(X, W1) + B1), W2) + B2, tl::input<"y">(y)); };
    BOOST_TEST(tl::test::relative_error(tl::eval(tl::hvp(lin_loss(), B1, tl::input<"v">(v))), tl::test::fd_hvp(lin_loss, b1, B1, v)) < 1e-6);
    BOOST_TEST(tl::test::relative_error(tl::eval(tl::hvp(plus_loss(), B1, tl::input<"v">(v))), tl::test::fd_hvp(plus_loss, b1, B1, v)) < 1e-6);
    BOOST_TEST(tl::test::relative_error(tl::eval(tl::hvp(lin_loss(), B2, tl::input<"v">(u))), tl::test::fd_hvp(lin_loss, b2, B2, u)) < 1e-6);
}

BOOST_AUTO_TEST_SUITE_END()
