// check_finite(step): the first NaN or infinity, named by the expression that computed it and the
// pass it belongs to; a finite step computes the same bits as step().
#include "support/message.hpp"
#include "support/seed.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>

namespace tl = tapeless;

using tl::test::message_is;

BOOST_AUTO_TEST_SUITE(eval_check_finite)

BOOST_AUTO_TEST_CASE(finite_step_is_the_plain_step) {
    tl::test::seed_net<double> s(64, 8, 5, 2);
    auto plain = s.compile();
    auto checked = s.compile();
    plain();
    tl::check_finite(checked);
    BOOST_TEST(checked.value() == plain.value());
    for (std::size_t i = 0; i < s.w1.size(); ++i) BOOST_TEST(checked.grad(s.W1()).data()[i] == plain.grad(s.W1()).data()[i]);
}

BOOST_AUTO_TEST_CASE(bound_tensor_holding_nan) {
    tl::test::seed_net<float> s(6, 4, 3, 1);
    auto step = s.compile();
    s.x(2, 1) = std::numeric_limits<float>::quiet_NaN();
    BOOST_CHECK_EXCEPTION(tl::check_finite(step), tl::value_error, [](tl::error const& e) {
        return message_is(e, "tapeless: check_finite: the tensor bound as 'x' holds nan at row 2, column 1");
    });
    s.x(2, 1) = 0;
    s.w2(1, 0) = -std::numeric_limits<float>::infinity();
    BOOST_CHECK_EXCEPTION(tl::check_finite(step), tl::value_error, [](tl::error const& e) {
        return message_is(e, "tapeless: check_finite: the tensor bound as 'w2' holds -inf at row 1, column 0");
    });
}

BOOST_AUTO_TEST_CASE(forward_pass) {
    tl::Tensor<double> x(5, 3, 1.0), w(3, 4, -1.0), v(4, 1, 0.5);
    auto W = tl::param<"w">(w);
    auto step = tl::compile(tl::sum(tl::matmul(tl::log(tl::matmul(tl::input<"x">(x), W)), tl::param<"v">(v))), W);
    BOOST_CHECK_EXCEPTION(tl::check_finite(step), tl::value_error, [](tl::error const& e) {
        return message_is(e, "tapeless: check_finite: nan at row 0, column 0 of log(x·w), computed in the forward "
                             "pass (kernel 2 of 7); every value it read was finite");
    });
    step(); // unchecked, the NaN flows on to the loss
    BOOST_TEST(std::isnan(step.value()));
}

BOOST_AUTO_TEST_CASE(backward_pass) {
    tl::Tensor<double> w(2, 3, 4.0);
    w(1, 2) = 0; // sqrt is finite at 0, its derivative is not
    auto W = tl::param<"w">(w);
    auto step = tl::compile(tl::sum(tl::sqrt(W)), W);
    BOOST_CHECK_EXCEPTION(tl::check_finite(step), tl::value_error, [](tl::error const& e) {
        return message_is(e, "tapeless: check_finite: inf at row 1, column 2 of 1/(2√(w)), computed in the "
                             "backward pass (kernel 1 of 1); every value it read was finite");
    });
}

BOOST_AUTO_TEST_CASE(runtime_scalar) {
    tl::Tensor<double> w(2, 2, 1.0);
    auto W = tl::param<"w">(w);
    auto step = tl::compile(tl::sum(std::numeric_limits<double>::infinity() * W), W);
    BOOST_CHECK_EXCEPTION(tl::check_finite(step), tl::value_error, [](tl::error const& e) {
        return message_is(e, "tapeless: check_finite: inf in s0, a scalar computed when the step was bound");
    });
}

BOOST_AUTO_TEST_SUITE_END()
