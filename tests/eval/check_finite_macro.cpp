// TAPELESS_CHECK_FINITE defined before including tapeless: every step() is check_finite(step).
// (log is fused into the sum: the report names the stored value it flows into.)
// Leaf names of their own: the macro changes compiled<...>::operator(), so no other file of this
// executable may instantiate it for the same model.
#define TAPELESS_CHECK_FINITE
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

namespace tl = tapeless;

BOOST_AUTO_TEST_SUITE(eval_check_finite_macro)

BOOST_AUTO_TEST_CASE(every_step_is_checked) {
    tl::Tensor<float> a(3, 2, 1.0f), m(2, 2, 0.5f);
    auto M = tl::param<"checked_m">(m);
    auto step = tl::compile(tl::sum(tl::log(tl::matmul(tl::input<"checked_a">(a), M))), M);
    step();
    BOOST_TEST(step.value() == 0.0f); // log(1) everywhere
    m(0, 0) = -2.0f;
    BOOST_CHECK_EXCEPTION(step(), tl::value_error, [](tl::error const& e) {
        BOOST_TEST_MESSAGE(e.what());
        return std::string(e.what()).starts_with("tapeless: check_finite: nan at row 0, column 0 of Σ(log(checked_a·checked_m))");
    });
}

BOOST_AUTO_TEST_SUITE_END()
