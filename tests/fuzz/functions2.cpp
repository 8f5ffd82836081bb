// Fuzzing the two-argument functions (broadcasting arithmetic, max, matmul with and without
// transposes, the losses) on runtime extents that often do not fit: every input must either match
// the reference or throw shape_error exactly when the reference's shape rules refuse, leaving the
// leaves untouched.
#include "support/fuzz_expression.hpp"

#include <boost/test/unit_test.hpp>

namespace tl = tapeless;
namespace fz = tapeless::test::fuzz;
using fz::ref;

namespace {

// a: m x n; b: m x n with either extent often 1 (broadcast), sometimes anything.
struct broadcasting {
    static std::array<tl::shape, 2> shapes(fz::rng& g) {
        fz::extents e(g);
        return {tl::shape{e[0], e[1]}, tl::shape{e.or1(0), e.or1(1)}};
    }
    template <class T>
    static void fill(fz::rng& g, std::size_t, tl::Tensor<T>& t) { fz::fill(g, t); }
};

struct add_case : broadcasting {
    static auto build(auto const& a, auto const& b) { return a + b; }
    static ref reference(fz::reference&, auto const&, ref a, ref b) { return fz::ops::add(a, b); }
};
struct sub_case : broadcasting {
    static auto build(auto const& a, auto const& b) { return b - a; }
    static ref reference(fz::reference&, auto const&, ref a, ref b) { return fz::ops::sub(b, a); }
};
struct mul_case : broadcasting {
    static auto build(auto const& a, auto const& b) { return a * b; }
    static ref reference(fz::reference&, auto const&, ref a, ref b) { return fz::ops::mul(a, b); }
};
struct div_case : broadcasting {
    template <class T>
    static void fill(fz::rng& g, std::size_t k, tl::Tensor<T>& t) {
        if (k == 1) fz::fill(g, t, 0.5, 2.0);
        else fz::fill(g, t);
    }
    static auto build(auto const& a, auto const& b) { return a / b; }
    static ref reference(fz::reference&, auto const&, ref a, ref b) { return fz::ops::div(a, b); }
};
struct max_case : broadcasting {
    static auto build(auto const& a, auto const& b) { return tl::max(b, a); }
    static ref reference(fz::reference&, auto const&, ref a, ref b) { return fz::ops::max(b, a); }
};
struct mse_case : broadcasting {
    static auto build(auto const& a, auto const& b) { return tl::mse(a, b); }
    static ref reference(fz::reference&, auto const&, ref a, ref b) { return fz::ops::mse(a, b); }
};
struct probs_case : broadcasting {
    static auto build(auto const& a, auto const& b) { return tl::cross_entropy_with_probs(a, b); }
    static ref reference(fz::reference&, auto const&, ref a, ref b) { return fz::ops::cross_entropy_with_probs(a, b); }
};
struct bce_case : broadcasting {
    static auto build(auto const& a, auto const& b) { return tl::binary_cross_entropy_with_logits(a, b); }
    static ref reference(fz::reference&, auto const&, ref a, ref b) {
        return fz::ops::binary_cross_entropy_with_logits(a, b);
    }
};

// Products: the inner extents agree unless perturbed. `Ta`, `Tb`: operands stored transposed.
template <bool Ta, bool Tb>
struct product {
    static std::array<tl::shape, 2> shapes(fz::rng& g) {
        fz::extents e(g);
        tl::shape a{e[0], e[1]}, b{e[1], e[2]};
        if (Ta) a = {a.cols, a.rows};
        if (Tb) b = {b.cols, b.rows};
        return {a, b};
    }
    template <class T>
    static void fill(fz::rng& g, std::size_t, tl::Tensor<T>& t) { fz::fill(g, t); }
    static auto build(auto const& a, auto const& b) {
        if constexpr (Ta && Tb) return tl::matmul(tl::transpose(a), tl::transpose(b));
        else if constexpr (Ta) return tl::matmul(tl::transpose(a), b);
        else if constexpr (Tb) return tl::matmul(a, tl::transpose(b));
        else return tl::matmul(a, b);
    }
    static ref reference(fz::reference&, auto const&, ref a, ref b) {
        using namespace fz::ops;
        return matmul(Ta ? transpose(a) : a, Tb ? transpose(b) : b);
    }
};

// Logits m x n (a param) and class labels m x 1 (an input; at times 1 x 1, m x n or misfit),
// mostly whole numbers in [0, n), some out of range or fractional (they match no column).
struct cross_entropy_case {
    static std::array<tl::shape, 2> shapes(fz::rng& g) {
        fz::extents e(g);
        std::size_t m = e[0], n = e[1];
        switch (fz::below(g, 6)) {
        case 0: return {tl::shape{m, n}, tl::shape{1, 1}};
        case 1: return {tl::shape{m, n}, tl::shape{e[0], e[1]}};
        default: return {tl::shape{m, n}, tl::shape{e[0], e.or1(3) == 1 ? 1 : e[3]}};
        }
    }
    template <class T>
    static void fill(fz::rng& g, std::size_t k, tl::Tensor<T>& t) {
        if (k == 0) return fz::fill(g, t);
        for (std::size_t i = 0; i < t.size(); ++i) {
            double c = static_cast<double>(fz::below(g, 8));
            if (fz::chance(g, 0.1)) c = fz::chance(g, 0.5) ? -1.0 : c + 0.5;
            t.data()[i] = static_cast<T>(c);
        }
    }
    static auto build(auto const& logits, auto const& labels) { return tl::cross_entropy(logits, labels); }
    static ref reference(fz::reference& r, auto const& ts, ref logits, ref) {
        return fz::ops::cross_entropy(r, logits, ts[1]);
    }
};

constexpr std::size_t N = 500;

} // namespace

BOOST_AUTO_TEST_SUITE(fuzz_functions2)

BOOST_AUTO_TEST_CASE(add) { fz::expression<double, 2, 0, add_case>("add").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(sub) { fz::expression<float, 2, 0, sub_case>("sub").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(mul) { fz::expression<double, 2, 0, mul_case>("mul").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(div) { fz::expression<double, 2, 0, div_case>("div").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(max) { fz::expression<double, 2, 0, max_case>("max").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(matmul) { fz::expression<double, 2, 0, product<false, false>>("matmul").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(matmul_ta) { fz::expression<float, 2, 0, product<true, false>>("matmul_ta").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(matmul_tb) { fz::expression<double, 2, 0, product<false, true>>("matmul_tb").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(matmul_tab) { fz::expression<double, 2, 0, product<true, true>>("matmul_tab").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(mse) { fz::expression<double, 2, 0, mse_case>("mse").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(cross_entropy) {
    fz::expression<double, 1, 1, cross_entropy_case>("cross_entropy").run(fz::inputs(N));
}
BOOST_AUTO_TEST_CASE(cross_entropy_with_probs) {
    fz::expression<float, 2, 0, probs_case>("cross_entropy_with_probs").run(fz::inputs(N));
}
BOOST_AUTO_TEST_CASE(binary_cross_entropy_with_logits) {
    fz::expression<double, 2, 0, bce_case>("binary_cross_entropy_with_logits").run(fz::inputs(N));
}

BOOST_AUTO_TEST_SUITE_END()
