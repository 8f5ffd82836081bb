// The reverse sweep's output as expressions: what `grad` derives for the seed, in the seed's own
// terms, and that those expressions evaluate to the compiled step's gradients.
#include "support/seed.hpp"

#include <tapeless/io/print.hpp>

#include <boost/test/unit_test.hpp>

namespace tl = tapeless;

BOOST_AUTO_TEST_SUITE(graph_adjoint)

BOOST_AUTO_TEST_CASE(seed_gradients_read_like_the_tutorial) {
    tl::test::seed_net<double> s(6, 4, 3, 1);
    auto [gb2, gw2] = tl::grad(s.loss(), s.B2(), s.W2());
    // dL/db2 = column sum of 2/N (out - y); dL/dw2 = h1ᵀ · 2/N (out - y). More in tests/io.
    BOOST_TEST(tl::to_string(gb2) == "Σᵢ((2/N)u1)\n"
                                     "  where u1 = relu(x·w1 + b1)·w2 + b2 - y\n"
                                     "        N = size(u1)");
    BOOST_TEST(tl::to_string(gw2) == "u1ᵀ·((2/N)u2)\n"
                                     "  where u1 = relu(x·w1 + b1)\n"
                                     "        u2 = u1·w2 + b2 - y\n"
                                     "        N = size(u2)");
}

BOOST_AUTO_TEST_CASE(gradient_expressions_evaluate_to_the_step_gradients) {
    tl::test::seed_net<double> s(7, 5, 4, 2);
    auto step = s.compile();
    step();
    auto [gw1, gb1, gw2, gb2] = tl::grad(s.loss(), s.W1(), s.B1(), s.W2(), s.B2());
    auto same = [](auto const& a, auto const& b) {
        BOOST_TEST(a.rows() == b.rows());
        BOOST_TEST(a.cols() == b.cols());
        for (std::size_t i = 0; i < a.size(); ++i)
            BOOST_TEST(a.data()[i] == b.data()[i], boost::test_tools::tolerance(1e-12));
    };
    same(tl::eval(gw1), step.grad(s.W1()));
    same(tl::eval(gb1), step.grad(s.B1()));
    same(tl::eval(gw2), step.grad(s.W2()));
    same(tl::eval(gb2), step.grad(s.B2()));
}

BOOST_AUTO_TEST_CASE(unrequested_adjoints_are_not_derived) {
    tl::test::seed_net<double> s(3, 2, 2, 1);
    // Only b2: nothing of the first layer's backward pass is in the plan.
    auto step = tl::compile(s.loss(), s.B2());
    using plan = decltype(step)::plan;
    static_assert(plan::gemm_count == 2); // the forward products only
    step();
    auto ref = s.compile();
    ref();
    BOOST_TEST(step.grad(s.B2())(0, 0) == ref.grad(s.B2())(0, 0), boost::test_tools::tolerance(1e-14));
}

BOOST_AUTO_TEST_SUITE_END()
