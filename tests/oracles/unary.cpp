// Oracles for the elementwise functions of the expression layer (include/tapeless/expr/math.hpp),
// part 1: value and the gradient of Σ f(x) ⊙ R against tapeless::tape, and the value against the
// formula in long double, in float and double, runtime and static extents (see oracle.hpp).
// Ops covered: relu, leaky_relu (default slope and a given one), square, abs, exp, log,
// stop_gradient. (Part 2, transcendental.cpp: sqrt, tanh, sigmoid, softplus, pow.)
#include "oracles/oracle.hpp"

namespace tl = tapeless;
using namespace tl::test::oracle;

namespace {

TAPELESS_ORACLE_UNARY(relu, nonzero, tl::relu(x), tp::relu(x), x > 0 ? x : 0)
TAPELESS_ORACLE_UNARY(leaky_relu, nonzero, tl::leaky_relu(x), tp::leaky_relu(x, 0.01), x > 0 ? x : 0.01L * x)
TAPELESS_ORACLE_UNARY(leaky_relu_slope, nonzero, tl::leaky_relu(x, 0.2), tp::leaky_relu(x, 0.2), x > 0 ? x : 0.2L * x)
TAPELESS_ORACLE_UNARY(square, any, tl::square(x), tp::square(x), x * x)
TAPELESS_ORACLE_UNARY(abs, nonzero, tl::abs(x), tp::abs(x), std::abs(x))
TAPELESS_ORACLE_UNARY(exp, any, tl::exp(x), tp::exp(x), std::exp(x))
TAPELESS_ORACLE_UNARY(log, positive, tl::log(x), tp::log(x), std::log(x))

// stop_gradient(x) ⊙ x: the gradient is x (one path), not 2x. The tape: an input times a param.
struct stop_gradient_case {
    static constexpr char const* name = "stop_gradient";
    static constexpr auto layouts = unary_layouts;
    static constexpr std::array domains{any};
    static auto expr(auto const& x) { return tl::stop_gradient(x) * x; }
    static auto tape(auto& c, auto const& x) { return c.t.input(c.views[0]) * x; }
    static ld ref(ld x) { return x * x; }
};

} // namespace

BOOST_AUTO_TEST_SUITE(oracles_unary)

BOOST_AUTO_TEST_CASE(relu) { check_op<relu_case, 0>(); }
BOOST_AUTO_TEST_CASE(leaky_relu) { check_op<leaky_relu_case, 1>(); }
BOOST_AUTO_TEST_CASE(leaky_relu_slope) { check_op<leaky_relu_slope_case, 2>(); }
BOOST_AUTO_TEST_CASE(square) { check_op<square_case, 3>(); }
BOOST_AUTO_TEST_CASE(abs) { check_op<abs_case, 4>(); }
BOOST_AUTO_TEST_CASE(exp) { check_op<exp_case, 5>(); }
BOOST_AUTO_TEST_CASE(log) { check_op<log_case, 6>(); }
BOOST_AUTO_TEST_CASE(stop_gradient) { check_op<stop_gradient_case, 7>(); }

BOOST_AUTO_TEST_SUITE_END()
