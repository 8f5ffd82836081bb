// Misuse is reported before anything changes: shape mismatches (shape_error, naming the optimizer
// and both shapes) and parameters that are not those of the first step (binding_error).
#include <tapeless/optim/optim.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

namespace tl = tapeless;

namespace {

bool mentions(std::string const& what, std::initializer_list<char const*> words) {
    for (char const* w : words)
        if (what.find(w) == std::string::npos) return false;
    return true;
}

// The first pair fits, the second does not: neither parameter may change.
template <class Opt>
void check_shape_mismatch(Opt& opt, char const* name) {
    tl::Tensor<double> w(2, 3, 1.0), b(1, 3, 1.0);
    tl::Tensor<double> gw(2, 3, 1.0), gb(3, 1, 1.0);
    std::string what;
    try {
        opt.step(w, gw.view(), b, gb.view());
    } catch (tl::shape_error const& e) {
        what = e.what();
    }
    BOOST_TEST_INFO(what);
    BOOST_TEST(mentions(what, {name, "pair 2", "1x3", "3x1"}));
    for (std::size_t j = 0; j < 3; ++j) {
        BOOST_TEST(w(0, j) == 1.0);
        BOOST_TEST(b(0, j) == 1.0);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(optim_errors)

BOOST_AUTO_TEST_CASE(sgd_shape_mismatch) {
    tl::optim::sgd<double> opt;
    check_shape_mismatch(opt, "sgd");
}

BOOST_AUTO_TEST_CASE(momentum_shape_mismatch) {
    tl::optim::momentum<double> opt;
    check_shape_mismatch(opt, "momentum");
}

BOOST_AUTO_TEST_CASE(adam_shape_mismatch_leaves_step_count) {
    tl::optim::adam<double> opt;
    check_shape_mismatch(opt, "adam");
    BOOST_TEST(opt.step_count() == 0u);
}

BOOST_AUTO_TEST_CASE(shape_error_message) {
    tl::optim::adam<float> opt;
    tl::Tensor<float> w(4, 5), g(5, 4);
    BOOST_CHECK_EXCEPTION(opt.step(w, g.view()), tl::shape_error, [](tl::shape_error const& e) {
        return std::string(e.what()) == "tapeless: adam: pair 1: parameter 4x5 but gradient 5x4";
    });
}

// A stateful optimizer keeps its first step's tensors: swapping two same-shaped parameters, or
// passing fewer, would hand one parameter another's moments.
BOOST_AUTO_TEST_CASE(adam_rejects_other_parameters) {
    tl::optim::adam<float> opt;
    tl::Tensor<float, 2, 2> a, b, g;
    opt.step(a, g, b, g);
    tl::Tensor<float, 2, 2> a0 = a, b0 = b;
    BOOST_CHECK_THROW(opt.step(b, g, a, g), tl::binding_error);
    BOOST_CHECK_THROW(opt.step(a, g), tl::binding_error);
    BOOST_TEST(opt.step_count() == 1u);
    BOOST_TEST(a(0, 0) == a0(0, 0));
    BOOST_TEST(b(0, 0) == b0(0, 0));
    opt.reset(); // a fresh start may take any parameters
    BOOST_CHECK_NO_THROW(opt.step(b, g));
}

BOOST_AUTO_TEST_CASE(momentum_rejects_other_parameters) {
    tl::optim::momentum<double> opt;
    tl::Tensor<double> a(3, 1), b(3, 1), g(3, 1);
    opt.step(a, g, b, g);
    BOOST_CHECK_THROW(opt.step(b, g, a, g), tl::binding_error);
}

// A view of the same memory with another shape keeps the parameter but not its size.
BOOST_AUTO_TEST_CASE(momentum_rejects_resized_parameter) {
    tl::optim::momentum<double> opt;
    tl::Tensor<double> a(2, 3), g(2, 3), g2(2, 2);
    opt.step(a, g);
    BOOST_CHECK_THROW(opt.step(tl::TensorView<double>(a.data(), 2, 2), g2), tl::shape_error);
}

BOOST_AUTO_TEST_SUITE_END()
