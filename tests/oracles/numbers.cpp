// Oracles for plain numbers mixed into expressions (include/tapeless/expr/operators.hpp, math.hpp):
// value and gradient against tapeless::tape, value against the long double formula, in float and
// double, runtime and static extents.
// Ops covered: x + 2.5, 2.5 + x, x - 2.5, 2.5 - x, x * 2.5, 2.5 * x, and an int number (3 * x).
// (x / number and number / x: operators.cpp; max, min, clamp with numbers: minmax.cpp.)
#include "oracles/oracle.hpp"

namespace tl = tapeless;
using namespace tl::test::oracle;

namespace {

TAPELESS_ORACLE_UNARY(x_plus_number, any, x + 2.5, x + 2.5, x + 2.5L)
TAPELESS_ORACLE_UNARY(number_plus_x, any, 2.5 + x, 2.5 + x, 2.5L + x)
TAPELESS_ORACLE_UNARY(x_minus_number, any, x - 2.5, x - 2.5, x - 2.5L)
TAPELESS_ORACLE_UNARY(number_minus_x, any, 2.5 - x, 2.5 - x, 2.5L - x)
TAPELESS_ORACLE_UNARY(x_times_number, any, x * 2.5, x * 2.5, x * 2.5L)
TAPELESS_ORACLE_UNARY(number_times_x, any, 2.5 * x, 2.5 * x, 2.5L * x)
TAPELESS_ORACLE_UNARY(int_times_x, any, 3 * x, 3 * x, 3 * x)

} // namespace

BOOST_AUTO_TEST_SUITE(oracles_numbers)

BOOST_AUTO_TEST_CASE(x_plus_number) { check_op<x_plus_number_case, 0>(); }
BOOST_AUTO_TEST_CASE(number_plus_x) { check_op<number_plus_x_case, 1>(); }
BOOST_AUTO_TEST_CASE(x_minus_number) { check_op<x_minus_number_case, 2>(); }
BOOST_AUTO_TEST_CASE(number_minus_x) { check_op<number_minus_x_case, 3>(); }
BOOST_AUTO_TEST_CASE(x_times_number) { check_op<x_times_number_case, 4>(); }
BOOST_AUTO_TEST_CASE(number_times_x) { check_op<number_times_x_case, 5>(); }
BOOST_AUTO_TEST_CASE(int_times_x) { check_op<int_times_x_case, 6>(); }

BOOST_AUTO_TEST_SUITE_END()
