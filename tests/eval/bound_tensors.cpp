// Tensors bound to a compiled step stay valid: assigning equal shapes copies in place, new storage
// is followed, new runtime extents (a smaller last minibatch) are re-planned, a moved-from tensor
// throws naming its leaf; one tensor may back several leaves. Each step is compared with a freshly compiled one on the same values.
#include "support/gradcheck.hpp"
#include "support/random.hpp"
#include "support/seed.hpp"

#include <boost/test/unit_test.hpp>

#include <utility>

namespace tl = tapeless;

namespace {
// A step run after the tensors changed equals, bit for bit, a step compiled afresh on them.
template <class Step, class T>
void expect_fresh(Step& step, tl::test::seed_net<T> const& s) {
    step();
    auto ref = s.compile();
    ref();
    BOOST_TEST(step.value() == ref.value());
    BOOST_TEST(tl::test::relative_error(step.grad(s.W1()), ref.grad(s.W1())) == 0.0);
    BOOST_TEST(tl::test::relative_error(step.grad(s.B2()), ref.grad(s.B2())) == 0.0);
}
} // namespace

BOOST_AUTO_TEST_SUITE(eval_bound_tensors)

BOOST_AUTO_TEST_CASE(copy_assignment_of_equal_shape_keeps_storage) {
    tl::test::seed_net<double> s(7, 4, 5, 2);
    auto step = s.compile();
    step();
    tl::Tensor<double> loaded(4, 5);
    tl::test::fill_uniform(loaded, 99);
    double const* before = s.w1.data();
    s.w1 = loaded; // weights read from a file
    BOOST_TEST(s.w1.data() == before);
    BOOST_TEST(s.w1(2, 3) == loaded(2, 3));
    expect_fresh(step, s);
}

BOOST_AUTO_TEST_CASE(new_storage_is_followed) {
    tl::test::seed_net<double> s(7, 4, 5, 2);
    auto step = s.compile();
    step();
    tl::Tensor<double> loaded(4, 5);
    tl::test::fill_uniform(loaded, 98);
    s.w1 = std::move(loaded); // takes the other tensor's storage
    BOOST_TEST(loaded.data() == nullptr);
    expect_fresh(step, s);
    s.x = tl::Tensor<double>(7, 4); // a copy of another shape would do the same: new storage
    tl::test::fill_uniform(s.x, 96);
    expect_fresh(step, s);
}

BOOST_AUTO_TEST_CASE(smaller_last_minibatch_is_replanned) {
    tl::test::seed_net<float> s(64, 6, 5, 3);
    auto step = s.compile();
    step();
    for (std::size_t n : {std::size_t{17}, std::size_t{1}, std::size_t{64}}) {
        BOOST_TEST_CONTEXT("n = " << n) {
            s.x = tl::Tensor<float>(n, 6);
            s.y = tl::Tensor<float>(n, 3);
            tl::test::fill_uniform(s.x, n);
            tl::test::fill_uniform(s.y, n + 1);
            expect_fresh(step, s);
        }
    }
}

BOOST_AUTO_TEST_CASE(inconsistent_extents_throw_before_running) {
    tl::test::seed_net<double> s(7, 4, 5, 2);
    auto step = s.compile();
    step();
    s.y = tl::Tensor<double>(6, 2); // x still has 7 rows
    BOOST_CHECK_THROW(step(), tl::shape_error);
    BOOST_CHECK_THROW(step(), tl::shape_error); // still refused: nothing half-bound runs
    s.y = tl::Tensor<double>(7, 2);
    tl::test::fill_uniform(s.y, 5);
    expect_fresh(step, s);
}

BOOST_AUTO_TEST_CASE(moved_from_tensor_throws_naming_its_leaf) {
    tl::test::seed_net<double> s(7, 4, 5, 2);
    auto step = s.compile();
    step();
    tl::Tensor<double> stolen = std::move(s.b1);
    try {
        step();
        BOOST_FAIL("expected binding_error");
    } catch (tl::binding_error const& e) {
        BOOST_TEST(std::string(e.what()).find("'b1'") != std::string::npos, e.what());
    }
    s.b1 = std::move(stolen);
    expect_fresh(step, s);
}

BOOST_AUTO_TEST_CASE(static_tensors_follow_new_storage) {
    tl::Tensor<double, 3, 4> a, b;
    tl::test::fill_uniform(a, 1);
    tl::test::fill_uniform(b, 2);
    auto A = tl::param<"a">(a);
    auto B = tl::input<"b">(b);
    auto step = tl::compile(tl::sum(A * B), A);
    step();
    tl::Tensor<double, 3, 4> c;
    tl::test::fill_uniform(c, 3);
    b = std::move(c);
    step();
    auto expected = tl::value_and_grad(tl::sum(A * tl::input<"b">(b)), A);
    BOOST_TEST(step.value() == std::get<0>(expected));
    BOOST_TEST(tl::test::relative_error(step.grad(A), std::get<1>(expected)) == 0.0);
}

// Aliasing, as defined: leaves only read, so one tensor may back several leaves, each its own
// variable for differentiation; an optimizer refuses a gradient that shares its parameter's memory.
BOOST_AUTO_TEST_CASE(one_tensor_under_two_names) {
    tl::Tensor<double> t{{1, -2, 3}, {0.5, 4, -1}};
    auto A = tl::param<"a">(t);
    auto B = tl::param<"b">(t);
    auto [value, ga, gb] = tl::value_and_grad(tl::sum(A * B), A, B);
    auto [value2, g2] = tl::value_and_grad(tl::sum(A * A), A);
    BOOST_TEST(value == value2);
    for (std::size_t i = 0; i < t.size(); ++i) {
        BOOST_TEST(ga.data()[i] == t.data()[i]); // ∂/∂a of Σ a⊙b is b, which holds t
        BOOST_TEST(gb.data()[i] == t.data()[i]);
        BOOST_TEST(g2.data()[i] == ga.data()[i] + gb.data()[i]); // the two names together: 2t
    }
}

BOOST_AUTO_TEST_CASE(a_parameter_also_read_as_an_input) {
    tl::Tensor<double> w{{1, -2}, {3, 0.5}};
    auto W = tl::param<"w">(w);
    auto V = tl::input<"v">(w); // the same storage, held constant
    auto step = tl::compile(tl::sum(tl::square(W) * V), W);
    step();
    for (std::size_t i = 0; i < w.size(); ++i) BOOST_TEST(step.grad(W).data()[i] == 2 * w.data()[i] * w.data()[i]);
    w = tl::Tensor<double>{{2, 2}, {2, 2}}; // equal shape: copied in place, both leaves see it
    step();
    BOOST_TEST(step.value() == 4 * 8.0);
    for (std::size_t i = 0; i < w.size(); ++i) BOOST_TEST(step.grad(W).data()[i] == 8.0);
}

BOOST_AUTO_TEST_CASE(optimizer_refuses_a_gradient_sharing_its_parameter) {
    tl::Tensor<float> w(4, 3, 1.0f), g(4, 3, 0.5f);
    tl::optim::sgd<float> sgd({.lr = 0.1f});
    tl::optim::adam<float> adam;
    tl::TensorView<float> tail(w.data() + 3, 3, 3);      // rows 1..3 of w
    tl::TensorView<float> head(w.data(), 3, 3);          // rows 0..2 of w
    BOOST_CHECK_THROW(sgd.step(w, w), tl::binding_error);
    BOOST_CHECK_THROW(sgd.step(head, tail), tl::binding_error);
    BOOST_CHECK_THROW(adam.step(w, g, head, tail), tl::binding_error);
    for (std::size_t i = 0; i < w.size(); ++i) BOOST_TEST(w.data()[i] == 1.0f); // nothing changed
    tl::TensorView<float> first(w.data(), 1, 3), second(w.data() + 3, 1, 3); // adjacent, disjoint
    BOOST_CHECK_NO_THROW(sgd.step(first, second));
    BOOST_TEST(w(0, 0) == 1.0f - 0.1f * 1.0f);
}

BOOST_AUTO_TEST_SUITE_END()
