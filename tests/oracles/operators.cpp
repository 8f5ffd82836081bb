// Oracles for the arithmetic operators of the expression layer (include/tapeless/expr/operators.hpp):
// value and the gradient of Σ op(a, b) ⊙ R with respect to both operands against tapeless::tape,
// and the value against the long double formula, in float and double, runtime and static extents,
// with every broadcast (matrix with matrix, row, column, 1 x 1 on either side, column with row).
// Ops covered: a + b, a - b, a * b, a / b (expressions), -x, x / number (a product by the
// reciprocal), number / x. (Numbers on either side of + - *: numbers.cpp.)
#include "oracles/oracle.hpp"

namespace tl = tapeless;
using namespace tl::test::oracle;

namespace {

constexpr auto broadcasts =
    make_layouts(lay(ext::mn, ext::mn), lay(ext::mn, ext::row), lay(ext::row, ext::mn), lay(ext::col, ext::mn),
                 lay(ext::mn, ext::col), lay(ext::mn, ext::one), lay(ext::one, ext::mn), lay(ext::col, ext::row),
                 lay(ext::row, ext::col));

struct add_case {
    static constexpr char const* name = "a + b";
    static constexpr auto layouts = broadcasts;
    static constexpr std::array static_layouts{std::size_t{1}}; // a matrix plus a row, static
    static constexpr std::array domains{any, any};
    static auto expr(auto const& a, auto const& b) { return a + b; }
    static auto tape(auto&, auto const& a, auto const& b) { return a + b; }
    static ld ref(ld a, ld b) { return a + b; }
};
struct sub_case {
    static constexpr char const* name = "a - b";
    static constexpr auto layouts = broadcasts;
    static constexpr std::array static_layouts{std::size_t{7}}; // column minus row (outer)
    static constexpr std::array domains{any, any};
    static auto expr(auto const& a, auto const& b) { return a - b; }
    static auto tape(auto&, auto const& a, auto const& b) { return a - b; }
    static ld ref(ld a, ld b) { return a - b; }
};
struct mul_case {
    static constexpr char const* name = "a * b";
    static constexpr auto layouts = broadcasts;
    static constexpr std::array static_layouts{std::size_t{3}}; // a column times a matrix
    static constexpr std::array domains{any, any};
    static auto expr(auto const& a, auto const& b) { return a * b; }
    static auto tape(auto&, auto const& a, auto const& b) { return a * b; }
    static ld ref(ld a, ld b) { return a * b; }
};
struct div_case {
    static constexpr char const* name = "a / b";
    static constexpr auto layouts = broadcasts;
    static constexpr std::array domains{any, domain{0.5, 2}};
    static auto expr(auto const& a, auto const& b) { return a / b; }
    static auto tape(auto&, auto const& a, auto const& b) { return a / b; }
    static ld ref(ld a, ld b) { return a / b; }
};
TAPELESS_ORACLE_UNARY(neg, any, -x, -x, -x)
TAPELESS_ORACLE_UNARY(div_by_number, any, x / 2.5, x / 2.5, x / 2.5L)
TAPELESS_ORACLE_UNARY(number_over_x, nonzero, 2.5 / x, 2.5 / x, 2.5L / x)

} // namespace

BOOST_AUTO_TEST_SUITE(oracles_operators)

BOOST_AUTO_TEST_CASE(add) { check_op<add_case, 0>(); }
BOOST_AUTO_TEST_CASE(sub) { check_op<sub_case, 1>(); }
BOOST_AUTO_TEST_CASE(mul) { check_op<mul_case, 2>(); }
BOOST_AUTO_TEST_CASE(div) { check_op<div_case, 3>(); }
BOOST_AUTO_TEST_CASE(neg) { check_op<neg_case, 4>(); }
BOOST_AUTO_TEST_CASE(div_by_number) { check_op<div_by_number_case, 5>(); }
BOOST_AUTO_TEST_CASE(number_over_x) { check_op<number_over_x_case, 6>(); }

BOOST_AUTO_TEST_SUITE_END()
