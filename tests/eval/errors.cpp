// Bad input at run time: a tapeless exception naming what the user wrote (the call, its arguments'
// shapes, the leaves' names), thrown when the expression is built or bound, before anything is
// computed or written.
#include "support/message.hpp"
#include "support/seed.hpp"

#include <boost/test/unit_test.hpp>

#include <limits>
#include <string>

namespace tl = tapeless;

using tl::test::message_is;

BOOST_AUTO_TEST_SUITE(eval_errors)

BOOST_AUTO_TEST_CASE(lin_inner_extents) {
    tl::Tensor<float> x(64, 784), w(748, 50), b(1, 50);
    BOOST_CHECK_EXCEPTION(tl::lin(tl::input<"x">(x), tl::param<"w">(w), tl::param<"b">(b)), tl::shape_error,
                          [](tl::error const& e) {
                              return message_is(e, "tapeless: lin(x, w, b): x 'x' is 64x784, w 'w' is 748x50, "
                                                   "b 'b' is 1x50: x's columns must equal w's rows");
                          });
    tl::Tensor<float> b_wide(1, 51);
    tl::Tensor<float> w_ok(784, 50);
    BOOST_CHECK_EXCEPTION(tl::lin(tl::input<"x">(x) * 2.0f, tl::param<"w">(w_ok), tl::param<"b">(b_wide)),
                          tl::shape_error, [](tl::error const& e) {
                              return message_is(e, "tapeless: lin(x, w, b): x is 64x784, w 'w' is 784x50, "
                                                   "b 'b' is 1x51: b does not broadcast to x·w's shape");
                          });
}

BOOST_AUTO_TEST_CASE(matmul_inner_extents) { // an op the user wrote directly names itself
    tl::Tensor<float> x(64, 784), w(748, 50);
    auto loss = tl::sum(tl::matmul(tl::input<"x">(x), tl::param<"w">(w)));
    BOOST_CHECK_EXCEPTION(tl::compile(loss, tl::param<"w">(w)), tl::shape_error, [](tl::error const& e) {
        return message_is(e, "tapeless: matmul: shapes 64x784 ('x') and 748x50 ('w'): inner extents differ");
    });
}

BOOST_AUTO_TEST_CASE(losses_name_their_arguments) {
    tl::Tensor<double> p(7, 3), y(7, 2), labels(6, 1), wide_labels(7, 3);
    auto P = tl::param<"pred">(p);
    BOOST_CHECK_EXCEPTION(tl::mse(2.0 * P, tl::input<"y">(y)), tl::shape_error, [](tl::error const& e) {
        return message_is(e, "tapeless: mse(pred, target): pred is 7x3, target 'y' is 7x2: shapes do not broadcast");
    });
    BOOST_CHECK_EXCEPTION(tl::cross_entropy(P, tl::input<"labels">(labels)), tl::shape_error, [](tl::error const& e) {
        return message_is(e, "tapeless: cross_entropy(logits, labels): logits 'pred' is 7x3, labels 'labels' is "
                             "6x1: one class label per row needed");
    });
    BOOST_CHECK_EXCEPTION(tl::cross_entropy(P, tl::input<"labels">(wide_labels)), tl::shape_error,
                          [](tl::error const& e) {
                              return message_is(e, "tapeless: cross_entropy(logits, labels): logits 'pred' is 7x3, "
                                                   "labels 'labels' is 7x3: class labels must be one column (one "
                                                   "class index per row)");
                          });
    BOOST_CHECK_EXCEPTION(tl::one_hot(tl::input<"labels">(labels), P), tl::shape_error, [](tl::error const& e) {
        return message_is(e, "tapeless: one_hot(labels, like): labels 'labels' is 6x1, like 'pred' is 7x3: one "
                             "class label per row needed");
    });
    BOOST_CHECK_EXCEPTION(tl::binary_cross_entropy_with_logits(P, tl::input<"y">(y)), tl::shape_error,
                          [](tl::error const& e) {
                              return message_is(e, "tapeless: binary_cross_entropy_with_logits(logits, targets): "
                                                   "logits 'pred' is 7x3, targets 'y' is 7x2: shapes do not broadcast");
                          });
    BOOST_CHECK_EXCEPTION(tl::cross_entropy_with_probs(P, tl::input<"y">(y)), tl::shape_error,
                          [](tl::error const& e) {
                              return message_is(e, "tapeless: cross_entropy_with_probs(logits, targets): logits "
                                                   "'pred' is 7x3, targets 'y' is 7x2: shapes do not broadcast");
                          });
}

BOOST_AUTO_TEST_CASE(a_later_mismatch_names_the_resized_leaf) {
    tl::Tensor<float> x(7, 4), w(4, 3), t(7, 3);
    auto W = tl::param<"w">(w);
    auto step = tl::compile(tl::mse(tl::matmul(tl::input<"x">(x), W), tl::input<"t">(t)), W);
    step();
    x = tl::Tensor<float>(5, 4);
    BOOST_CHECK_EXCEPTION(step(), tl::shape_error, [](tl::error const& e) {
        return message_is(e, "tapeless: sub: shapes 5x3 and 7x3 ('t'): shapes do not broadcast (after 'x' changed from "
                             "7x4 to 5x4)");
    });
}

BOOST_AUTO_TEST_CASE(gradient_of_a_non_scalar_loss) {
    tl::Tensor<float> x(7, 4), w(4, 3);
    auto W = tl::param<"w">(w);
    auto not_a_loss = tl::relu(tl::matmul(tl::input<"x">(x), W));
    auto is_message = [](tl::error const& e) {
        return message_is(e, "tapeless: grad: the loss is 7x3, not 1 x 1; reduce it first with sum(), mean() or a loss");
    };
    BOOST_CHECK_EXCEPTION(tl::compile(not_a_loss, W), tl::shape_error, is_message);
    BOOST_CHECK_EXCEPTION(tl::grad(not_a_loss, W), tl::shape_error, is_message);
    BOOST_TEST(tl::eval(not_a_loss).rows() == 7u); // a value needs no gradient
}

BOOST_AUTO_TEST_CASE(broadcast_mismatch) {
    tl::Tensor<double> a(4, 5), b(3, 5);
    BOOST_CHECK_EXCEPTION(tl::eval(tl::input<"a">(a) + tl::input<"b">(b)), tl::shape_error, [](tl::error const& e) {
        return message_is(e, "tapeless: add: shapes 4x5 ('a') and 3x5 ('b'): shapes do not broadcast");
    });
}

BOOST_AUTO_TEST_CASE(nothing_is_written_before_the_error) {
    tl::test::seed_net<double> s(5, 4, 3, 1);
    tl::Tensor<double> bad_y(6, 1, 7.0); // 6 targets for 5 samples
    auto pred = tl::lin(tl::relu(tl::lin(s.X(), s.W1(), s.B1())), s.W2(), s.B2());
    tl::Tensor<double> w1 = s.w1, b2 = s.b2;
    BOOST_CHECK_EXCEPTION(tl::value_and_grad(tl::mse(pred, tl::input<"y">(bad_y)), s.W1(), s.B2()), tl::shape_error,
                          [](tl::error const& e) {
                              return message_is(e, "tapeless: mse(pred, target): pred is 5x1, target 'y' is 6x1: "
                                                   "shapes do not broadcast");
                          });
    // The same mismatch arising later, when a compiled step re-binds: thrown before anything runs.
    auto step = tl::compile(tl::mse(pred, s.Y()), s.W1(), s.B2());
    step();
    double const loss = step.value();
    s.y = tl::Tensor<double>(6, 1, 7.0);
    BOOST_CHECK_THROW(step(), tl::shape_error);
    BOOST_TEST(step.value() == loss);
    for (std::size_t i = 0; i < w1.size(); ++i) BOOST_TEST(s.w1.data()[i] == w1.data()[i]);
    BOOST_TEST(s.b2(0, 0) == b2(0, 0));
    BOOST_TEST(bad_y(5, 0) == 7.0);
}

BOOST_AUTO_TEST_CASE(class_labels_are_checked) {
    tl::Tensor<float> x(7, 4), w(4, 3), y(7, 1);
    for (std::size_t i = 0; i < 7; ++i) y(i, 0) = float(i % 3);
    auto W = tl::param<"w">(w);
    auto step = tl::compile(tl::cross_entropy(tl::matmul(tl::input<"x">(x), W), tl::input<"y">(y)), W);
    step();
    float const good = step.value();
    auto refused = [&](float label, std::string const& message) {
        y(3, 0) = label;
        BOOST_CHECK_EXCEPTION(step(), tl::value_error, [&](tl::error const& e) { return message_is(e, message); });
        BOOST_TEST(step.value() == good); // nothing ran
    };
    refused(17, "tapeless: class labels 'y': row 3 holds 17, not a class index in 0..2");
    refused(-2, "tapeless: class labels 'y': row 3 holds -2, not a class index in 0..2");
    refused(3, "tapeless: class labels 'y': row 3 holds 3, not a class index in 0..2");
    refused(1.5f, "tapeless: class labels 'y': row 3 holds 1.5, not a class index in 0..2");
    refused(std::numeric_limits<float>::quiet_NaN(), "tapeless: class labels 'y': row 3 holds nan, not a class index in 0..2");
    y(3, 0) = 0;
    step();
    BOOST_TEST(step.value() == good);
    // Labels already bound are checked by compile() itself.
    y(6, 0) = 9;
    BOOST_CHECK_EXCEPTION(tl::compile(tl::cross_entropy(tl::matmul(tl::input<"x">(x), W), tl::input<"y">(y)), W),
                          tl::value_error, [](tl::error const& e) {
                              return message_is(e, "tapeless: class labels 'y': row 6 holds 9, not a class index in 0..2");
                          });
    // The opt-out: the caller vouches for the labels (row 6 then contributes nothing).
    step.check_labels(false);
    BOOST_CHECK_NO_THROW(step());
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
