// Bad input at run time: a tapeless exception naming the op and both shapes, thrown while binding,
// before anything is computed or written.
#include "support/seed.hpp"

#include <boost/test/unit_test.hpp>

namespace tl = tapeless;

namespace {
bool message_is(tl::error const& e, std::string const& expected) {
    BOOST_TEST_MESSAGE(e.what());
    return std::string(e.what()) == expected;
}
} // namespace

BOOST_AUTO_TEST_SUITE(eval_errors)

BOOST_AUTO_TEST_CASE(matmul_inner_extents) {
    tl::Tensor<float> x(64, 784), w(748, 50), b(1, 50);
    auto loss = tl::sum(tl::lin(tl::input<"x">(x), tl::param<"w">(w), tl::param<"b">(b)));
    BOOST_CHECK_EXCEPTION(tl::compile(loss, tl::param<"w">(w)), tl::shape_error, [](tl::error const& e) {
        return message_is(e, "tapeless: matmul: shapes 64x784 and 748x50: inner extents differ");
    });
}

BOOST_AUTO_TEST_CASE(broadcast_mismatch) {
    tl::Tensor<double> a(4, 5), b(3, 5);
    BOOST_CHECK_EXCEPTION(tl::eval(tl::input<"a">(a) + tl::input<"b">(b)), tl::shape_error, [](tl::error const& e) {
        return message_is(e, "tapeless: add: shapes 4x5 and 3x5: shapes do not broadcast");
    });
}

BOOST_AUTO_TEST_CASE(nothing_is_written_before_the_error) {
    tl::test::seed_net<double> s(5, 4, 3, 1);
    tl::Tensor<double> bad_y(6, 1, 7.0); // 6 labels for 5 samples
    auto loss = tl::mse(tl::lin(tl::relu(tl::lin(s.X(), s.W1(), s.B1())), s.W2(), s.B2()), tl::input<"y">(bad_y));
    tl::Tensor<double> w1 = s.w1, b2 = s.b2;
    BOOST_CHECK_EXCEPTION(tl::value_and_grad(loss, s.W1(), s.B2()), tl::shape_error, [](tl::error const& e) {
        return message_is(e, "tapeless: sub: shapes 5x1 and 6x1: shapes do not broadcast");
    });
    for (std::size_t i = 0; i < w1.size(); ++i) BOOST_TEST(s.w1.data()[i] == w1.data()[i]);
    BOOST_TEST(s.b2(0, 0) == b2(0, 0));
    BOOST_TEST(bad_y(5, 0) == 7.0);
}

BOOST_AUTO_TEST_CASE(two_tensors_under_one_name) {
    tl::Tensor<double> a(2, 2), b(2, 2);
    auto loss = tl::sum(tl::param<"w">(a) * tl::param<"w">(b));
    BOOST_CHECK_EXCEPTION(tl::compile(loss, tl::param<"w">(a)), tl::binding_error, [](tl::error const& e) {
        return message_is(e, "tapeless: two different tensors are bound under the name 'w'");
    });
    // The leaf passed for differentiation must be the one in the expression too.
    auto loss2 = tl::sum(tl::param<"w">(a));
    BOOST_CHECK_THROW(tl::compile(loss2, tl::param<"w">(b)), tl::binding_error);
}

BOOST_AUTO_TEST_CASE(static_tensor_rejects_wrong_runtime_extents) {
    BOOST_CHECK_EXCEPTION((tl::Tensor<float, 3, 4>(3, 5)), tl::shape_error, [](tl::error const& e) {
        return message_is(e, "tapeless: tensor: shape 3x5 does not fit static shape 3x4");
    });
}

BOOST_AUTO_TEST_SUITE_END()
