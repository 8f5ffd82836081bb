// Oracles for the piecewise functions of the expression layer (include/tapeless/expr/math.hpp):
// value and the gradient of Σ op ⊙ R with respect to every operand against tapeless::tape, value
// against the long double formula, in float and double, runtime and static extents. Operands are
// drawn on two interleaved grids 1/16 apart, so no comparison is ever a tie.
// Ops covered: max and min of two expressions (every broadcast), of an expression and a number
// (either side), clamp with number bounds and with expression bounds (a row and a column).
#include "oracles/oracle.hpp"

namespace tl = tapeless;
using namespace tl::test::oracle;

namespace {

constexpr auto broadcasts =
    make_layouts(lay(ext::mn, ext::mn), lay(ext::mn, ext::row), lay(ext::row, ext::mn), lay(ext::col, ext::mn),
                 lay(ext::mn, ext::col), lay(ext::mn, ext::one), lay(ext::one, ext::mn), lay(ext::col, ext::row),
                 lay(ext::row, ext::col));
constexpr domain grid_a{-2, 2, fill::grid_a};
constexpr domain grid_b{-2, 2, fill::grid_b};

struct max_case {
    static constexpr char const* name = "max(a, b)";
    static constexpr auto layouts = broadcasts;
    static constexpr std::array static_layouts{std::size_t{1}};
    static constexpr std::array domains{grid_a, grid_b};
    static auto expr(auto const& a, auto const& b) { return tl::max(a, b); }
    static auto tape(auto&, auto const& a, auto const& b) { return tp::max(a, b); }
    static ld ref(ld a, ld b) { return std::max(a, b); }
};
struct min_case {
    static constexpr char const* name = "min(a, b)";
    static constexpr auto layouts = broadcasts;
    static constexpr std::array static_layouts{std::size_t{8}};
    static constexpr std::array domains{grid_a, grid_b};
    static auto expr(auto const& a, auto const& b) { return tl::min(a, b); }
    static auto tape(auto&, auto const& a, auto const& b) { return tp::min(a, b); }
    static ld ref(ld a, ld b) { return std::min(a, b); }
};
// Numbers: 0.3 is at least 0.019 from every grid_a value. The tape takes them as 1 x 1 inputs.
struct max_number_case {
    static constexpr char const* name = "max(x, 0.3)";
    static constexpr auto layouts = unary_layouts;
    static constexpr std::array domains{grid_a};
    static auto expr(auto const& x) { return tl::max(x, 0.3); }
    static auto tape(auto& c, auto const& x) { return tp::max(x, c.number(0.3)); }
    static ld ref(ld x) { return std::max(x, 0.3L); }
};
struct number_max_case {
    static constexpr char const* name = "max(0.3, x)";
    static constexpr auto layouts = unary_layouts;
    static constexpr std::array domains{grid_a};
    static auto expr(auto const& x) { return tl::max(0.3, x); }
    static auto tape(auto& c, auto const& x) { return tp::max(c.number(0.3), x); }
    static ld ref(ld x) { return std::max(x, 0.3L); }
};
struct min_number_case {
    static constexpr char const* name = "min(x, 0.3)";
    static constexpr auto layouts = unary_layouts;
    static constexpr std::array domains{grid_a};
    static auto expr(auto const& x) { return tl::min(x, 0.3); }
    static auto tape(auto& c, auto const& x) { return tp::min(x, c.number(0.3)); }
    static ld ref(ld x) { return std::min(x, 0.3L); }
};
struct number_min_case {
    static constexpr char const* name = "min(0.3, x)";
    static constexpr auto layouts = unary_layouts;
    static constexpr std::array domains{grid_a};
    static auto expr(auto const& x) { return tl::min(0.3, x); }
    static auto tape(auto& c, auto const& x) { return tp::min(c.number(0.3), x); }
    static ld ref(ld x) { return std::min(x, 0.3L); }
};
// Bounds at least 0.04 from every grid_a value.
TAPELESS_ORACLE_UNARY(clamp_numbers, grid_a, tl::clamp(x, -0.55, 0.45), tp::clamp(x, -0.55, 0.45),
                      std::min(std::max(x, -0.55L), 0.45L))
// Bounds that are expressions (params): their gradients are the sums of R where they bind.
struct clamp_expressions_case {
    static constexpr char const* name = "clamp(x, lo, hi) with lo, hi expressions";
    static constexpr auto layouts = make_layouts(lay(ext::mn, ext::row, ext::col), lay(ext::mn, ext::one, ext::one),
                                                 lay(ext::mn, ext::mn, ext::mn), lay(ext::row, ext::col, ext::row));
    static constexpr std::array domains{grid_a, domain{-1.5, -0.5, fill::grid_b}, domain{0.5, 1.5, fill::grid_b}};
    static auto expr(auto const& x, auto const& lo, auto const& hi) { return tl::clamp(x, lo, hi); }
    static auto tape(auto&, auto const& x, auto const& lo, auto const& hi) { return tp::min(tp::max(x, lo), hi); }
    static ld ref(ld x, ld lo, ld hi) { return std::min(std::max(x, lo), hi); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(oracles_minmax)

BOOST_AUTO_TEST_CASE(max) { check_op<max_case, 0>(); }
BOOST_AUTO_TEST_CASE(min) { check_op<min_case, 1>(); }
BOOST_AUTO_TEST_CASE(max_number) { check_op<max_number_case, 2>(); }
BOOST_AUTO_TEST_CASE(number_max) { check_op<number_max_case, 3>(); }
BOOST_AUTO_TEST_CASE(min_number) { check_op<min_number_case, 4>(); }
BOOST_AUTO_TEST_CASE(number_min) { check_op<number_min_case, 5>(); }
BOOST_AUTO_TEST_CASE(clamp_numbers) { check_op<clamp_numbers_case, 6>(); }
BOOST_AUTO_TEST_CASE(clamp_expressions) { check_op<clamp_expressions_case, 7>(); }

BOOST_AUTO_TEST_SUITE_END()
