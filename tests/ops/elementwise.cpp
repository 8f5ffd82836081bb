// Elementwise ops and their broadcasting: value and gradient of each against finite differences.
// A random weight tensor r turns every op into a scalar loss sum(op(...) ⊙ r), which exercises
// the whole Jacobian, not just its column sums.
#include "support/check.hpp"
#include "support/random.hpp"

#include <boost/test/unit_test.hpp>

namespace tl = tapeless;
using tl::test::check_gradients;
using tl::test::rnd;

namespace {
// Values away from 0, where relu and step have their kink.
tl::Tensor<double> away_from_zero(std::size_t r, std::size_t c, std::uint64_t seed) {
    auto t = rnd(r, c, seed);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] += t.data()[i] < 0 ? -0.1 : 0.1;
    return t;
}
} // namespace

BOOST_AUTO_TEST_SUITE(ops_elementwise)

BOOST_AUTO_TEST_CASE(add_sub_mul_same_shape) {
    auto a = rnd(4, 5, 1), b = rnd(4, 5, 2), r = rnd(4, 5, 3);
    auto R = tl::input<"r">(r);
    check_gradients([&](auto A, auto B) { return tl::sum((A + B) * R); }, 1e-7, a, b);
    check_gradients([&](auto A, auto B) { return tl::sum((A - B) * R); }, 1e-7, a, b);
    check_gradients([&](auto A, auto B) { return tl::sum(A * B * R); }, 1e-7, a, b);
    check_gradients([&](auto A) { return tl::sum(-A * R); }, 1e-7, a);
}

BOOST_AUTO_TEST_CASE(broadcast_row_column_and_scalar) {
    auto m = rnd(4, 5, 4), row = rnd(1, 5, 5), col = rnd(4, 1, 6), one = rnd(1, 1, 7), r = rnd(4, 5, 8);
    auto R = tl::input<"r">(r);
    check_gradients([&](auto M, auto B) { return tl::sum((M + B) * R); }, 1e-7, m, row);
    check_gradients([&](auto M, auto B) { return tl::sum((B + M) * R); }, 1e-7, m, row);
    check_gradients([&](auto M, auto B) { return tl::sum((M - B) * R); }, 1e-7, m, col);
    check_gradients([&](auto M, auto B) { return tl::sum((B - M) * R); }, 1e-7, m, col);
    check_gradients([&](auto M, auto B) { return tl::sum(M * B * R); }, 1e-7, m, one);
    check_gradients([&](auto B, auto C) { return tl::sum((B + C) * R); }, 1e-7, row, col); // outer sum
    check_gradients([&](auto B, auto C) { return tl::sum(B * C * R); }, 1e-7, row, col);   // outer product
}

BOOST_AUTO_TEST_CASE(relu_and_square) {
    auto a = away_from_zero(6, 3, 9), r = rnd(6, 3, 10);
    auto R = tl::input<"r">(r);
    check_gradients([&](auto A) { return tl::sum(tl::relu(A) * R); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::sum(tl::square(A) * R); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::sum(tl::relu(tl::square(A) - 0.3) * R); }, 1e-7, a);
}

BOOST_AUTO_TEST_CASE(scalars_mix_without_ceremony) {
    auto a = rnd(3, 4, 11), r = rnd(3, 4, 12);
    auto R = tl::input<"r">(r);
    check_gradients([&](auto A) { return tl::sum((2.0 * A + A * 3.0 - A / 4.0 + 1.5) * R); }, 1e-7, a);
    // Two scalars in the same position are different values, not one shared subexpression.
    tl::Tensor<double> x{{1, 2}, {3, 4}};
    auto X = tl::param<"x">(x);
    auto y = tl::eval(2.0 * X + 3.0 * X);
    BOOST_TEST(y(1, 1) == 20.0);
    auto [v, g] = tl::value_and_grad(tl::sum(2.0 * X + 3.0 * X), X);
    BOOST_TEST(v == 50.0);
    BOOST_TEST(g(0, 1) == 5.0);
}

BOOST_AUTO_TEST_CASE(sum_and_mean) {
    auto a = rnd(7, 3, 13);
    check_gradients([&](auto A) { return tl::sum(A); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::mean(A); }, 1e-7, a);
    check_gradients([&](auto A) { return tl::mean(tl::square(A)) * tl::sum(A); }, 1e-7, a);
    BOOST_TEST(tl::eval(tl::mean(tl::input<"a">(a)))(0, 0) == tl::eval(tl::sum(tl::input<"a">(a)))(0, 0) / 21.0,
               boost::test_tools::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(shared_subexpressions_sum_their_adjoints) {
    auto a = rnd(3, 3, 14), r = rnd(3, 3, 15);
    auto R = tl::input<"r">(r);
    check_gradients(
        [&](auto A) {
            auto h = tl::square(A) - A; // used three times
            return tl::sum(h * h * R + h);
        },
        1e-7, a);
}

BOOST_AUTO_TEST_SUITE_END()
