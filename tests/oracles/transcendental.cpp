// Oracles for the elementwise functions of the expression layer (include/tapeless/expr/math.hpp),
// part 2: value and the gradient of Σ f(x) ⊙ R against tapeless::tape, and the value against the
// std formula in long double, in float and double, runtime and static extents (see oracle.hpp).
// Ops covered: sqrt, tanh (|x| <= 4), sigmoid, softplus (tails to |x| = 8), pow with an integral,
// a negative fractional and a 1 x 1 expression exponent, gelu (tails to |x| = 8), log1p on
// (-0.9, 8). (Part 1, unary.cpp: relu, leaky_relu, square, abs, exp, log, stop_gradient.)
#include "oracles/oracle.hpp"

#include <numbers>

namespace tl = tapeless;
using namespace tl::test::oracle;

namespace {

TAPELESS_ORACLE_UNARY(sqrt, positive, tl::sqrt(x), tp::sqrt(x), std::sqrt(x))
// |x| <= 4: both rules use 1 - y², which at |x| = 8 keeps only ~6 digits, and whether a compiler
// contracts it into an FMA (clang does, g++ in ISO mode does not) then moves it by 4e-12 relative.
TAPELESS_ORACLE_UNARY(tanh, (domain{-4, 4}), tl::tanh(x), tp::tanh(x), std::tanh(x))
TAPELESS_ORACLE_UNARY(sigmoid, wide, tl::sigmoid(x), tp::sigmoid(x), 1 / (1 + std::exp(-x)))
TAPELESS_ORACLE_UNARY(softplus, wide, tl::softplus(x), tp::softplus(x), std::log1p(std::exp(x)))
TAPELESS_ORACLE_UNARY(pow_3, any, tl::pow(x, 3.0), tp::pow(x, 3.0), x * x * x)
TAPELESS_ORACLE_UNARY(pow_minus_1_5, positive, tl::pow(x, -1.5), tp::pow(x, -1.5), std::pow(x, -1.5L))

// xᵖ with p a 1 x 1 expression: the gradient reaches p too. The tape has no such pow: e^(p ln x).
struct pow_expression_case {
    static constexpr char const* name = "pow(x, p) with p an expression";
    static constexpr auto layouts =
        make_layouts(lay(ext::mn, ext::one), lay(ext::row, ext::one), lay(ext::col, ext::one));
    static constexpr std::array domains{positive, domain{0.5, 2.5}};
    static auto expr(auto const& x, auto const& p) { return tl::pow(x, p); }
    static auto tape(auto&, auto const& x, auto const& p) { return tp::exp(tp::log(x) * p); }
    static ld ref(ld x, ld p) { return std::pow(x, p); }
    static constexpr double reference_ulps = 16;
};

// x/2 (1 + tanh u), u = √(2/π)(x + 0.044715 x³), as x σ(2u): 1 + tanh u cancels for x << 0, even
// in long double (1 + t ~ 1e-22 at x = -8).
struct gelu_case {
    static constexpr char const* name = "gelu";
    static constexpr auto layouts = unary_layouts;
    static constexpr std::array domains{wide};
    static auto expr(auto const& x) { return tl::gelu(x); }
    static auto tape(auto&, auto const& x) { return tp::gelu(x); }
    static ld ref(ld x) {
        ld const u = std::sqrt(2 / std::numbers::pi_v<ld>) * (x + 0.044715L * x * x * x);
        return x / (1 + std::exp(-2 * u));
    }
    // e^{2u} turns the rounding of u in T into |2u| times as many ulps (|2u| = 49 at x = -8),
    // whatever the formula: about 60 ulps there.
    static constexpr double reference_ulps = 128;
};
TAPELESS_ORACLE_UNARY(log1p, (domain{-0.9, 8}), tl::log1p(x), tp::log1p(x), std::log1p(x))

} // namespace

BOOST_AUTO_TEST_SUITE(oracles_transcendental)

BOOST_AUTO_TEST_CASE(sqrt) { check_op<sqrt_case, 0>(); }
BOOST_AUTO_TEST_CASE(tanh) { check_op<tanh_case, 1>(); }
BOOST_AUTO_TEST_CASE(sigmoid) { check_op<sigmoid_case, 2>(); }
BOOST_AUTO_TEST_CASE(softplus) { check_op<softplus_case, 3>(); }
BOOST_AUTO_TEST_CASE(pow_3) { check_op<pow_3_case, 4>(); }
BOOST_AUTO_TEST_CASE(pow_minus_1_5) { check_op<pow_minus_1_5_case, 5>(); }
BOOST_AUTO_TEST_CASE(pow_expression) { check_op<pow_expression_case, 6>(); }
BOOST_AUTO_TEST_CASE(gelu) { check_op<gelu_case, 7>(); }
BOOST_AUTO_TEST_CASE(log1p) { check_op<log1p_case, 8>(); }

BOOST_AUTO_TEST_SUITE_END()
