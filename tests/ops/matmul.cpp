// matmul and transpose, and the layers built from them (lin, mse): gradients against finite
// differences, with every transpose folded into GEMM flags.
#include "support/check.hpp"
#include "support/random.hpp"

#include <boost/test/unit_test.hpp>

namespace tl = tapeless;
using tl::test::check_gradients;
using tl::test::rnd;

BOOST_AUTO_TEST_SUITE(ops_matmul)

BOOST_AUTO_TEST_CASE(matmul_every_transpose) {
    auto a = rnd(4, 3, 1), b = rnd(3, 5, 2), at = rnd(3, 4, 3), bt = rnd(5, 3, 4), r = rnd(4, 5, 5);
    auto R = tl::input<"r">(r);
    check_gradients([&](auto A, auto B) { return tl::sum(tl::matmul(A, B) * R); }, 1e-7, a, b);
    check_gradients([&](auto A, auto B) { return tl::sum(tl::matmul(tl::transpose(A), B) * R); }, 1e-7, at, b);
    check_gradients([&](auto A, auto B) { return tl::sum(tl::matmul(A, tl::transpose(B)) * R); }, 1e-7, a, bt);
    check_gradients(
        [&](auto A, auto B) { return tl::sum(tl::matmul(tl::transpose(A), tl::transpose(B)) * R); }, 1e-7, at, bt);
}

// (A·B)ᵀ is rebuilt as Bᵀ·Aᵀ from the product's leaf table: each factor takes only its own leaves
// and numbers (a factor without all of the product's leaves did not compile).
BOOST_AUTO_TEST_CASE(transposed_product_of_different_leaves) {
    auto a = rnd(6, 5, 13), b = rnd(5, 5, 14, 0.5, 2.0), r = rnd(5, 6, 15);
    auto R = tl::input<"r">(r);
    check_gradients([&](auto A, auto B) { return tl::sum(tl::transpose(tl::matmul(tl::exp(A), tl::pow(B, 1.5))) * R); },
                    1e-7, a, b);
    check_gradients(
        [&](auto A, auto B) { return tl::sum(tl::transpose(tl::matmul(A * 0.5, tl::softmax(B * 1.5))) * R); }, 1e-7, a, b);
}

BOOST_AUTO_TEST_CASE(matmul_values) {
    tl::Tensor<double> a{{1, 2}, {3, 4}, {5, 6}}, b{{1, 0, 2}, {0, 1, 3}};
    auto c = tl::eval(tl::matmul(tl::input<"a">(a), tl::input<"b">(b)));
    BOOST_TEST(c.rows() == 3u);
    BOOST_TEST(c.cols() == 3u);
    BOOST_TEST(c(2, 2) == 5 * 2 + 6 * 3);
    auto ct = tl::eval(tl::matmul(tl::transpose(tl::input<"b">(b)), tl::transpose(tl::input<"a">(a))));
    BOOST_TEST(ct(2, 2) == c(2, 2));
    BOOST_TEST(ct(0, 2) == c(2, 0));
}

BOOST_AUTO_TEST_CASE(chained_and_shared_products) {
    auto a = rnd(3, 4, 6), b = rnd(4, 4, 7), c = rnd(4, 2, 8);
    check_gradients([&](auto A, auto B, auto C) { return tl::sum(tl::square(tl::matmul(tl::matmul(A, B), C))); },
                    1e-7, a, b, c);
    // B appears twice: B·B.
    check_gradients([&](auto A, auto B) { return tl::mean(tl::matmul(tl::matmul(A, B), B)); }, 1e-7, a, b);
}

BOOST_AUTO_TEST_CASE(lin_and_mse) {
    auto x = rnd(6, 4, 9), w = rnd(4, 3, 10), b = rnd(1, 3, 11), y = rnd(6, 3, 12);
    auto Y = tl::input<"y">(y);
    check_gradients([&](auto X, auto W, auto B) { return tl::mse(tl::lin(X, W, B), Y); }, 1e-7, x, w, b);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ops_matmul_edges)

// A statically 1 x 1 product: its adjoint is the constant 1, which a GEMM cannot read unless it
// gets a buffer (found by the random-graph checks).
BOOST_AUTO_TEST_CASE(static_inner_product) {
    tl::Tensor<double, 1, 2> a{{0.5, -1.0}};
    tl::Tensor<double, 2, 1> b{{2.0}, {3.0}};
    auto A = tl::param<"a">(a);
    auto B = tl::param<"b">(b);
    auto [v, ga, gb] = tl::value_and_grad(tl::sum(tl::matmul(A, B)) * 2.0, A, B);
    BOOST_TEST(v == -4.0);
    BOOST_TEST(ga(0, 1) == 6.0);
    BOOST_TEST(gb(1, 0) == -2.0);
}

// The loss may be a leaf itself: its gradient is 1.
BOOST_AUTO_TEST_CASE(loss_is_a_leaf) {
    tl::Tensor<double, 1, 1> c{{0.5}};
    auto C = tl::param<"c">(c);
    auto [v, g] = tl::value_and_grad(tl::transpose(C), C);
    BOOST_TEST(v == 0.5);
    BOOST_TEST(g(0, 0) == 1.0);
}

BOOST_AUTO_TEST_SUITE_END()
