// Fuzzing the three-argument functions (lin, clamp, a fused multiply-add) and the models built
// from them (a classifier's cross-entropy, the seed network's mse), with inputs and params of
// random, often misfitting, runtime extents.
#include "support/fuzz_expression.hpp"

#include <boost/test/unit_test.hpp>

namespace tl = tapeless;
namespace fz = tapeless::test::fuzz;
using fz::ref;

namespace {

template <class T>
void uniform(fz::rng& g, std::size_t, tl::Tensor<T>& t) {
    fz::fill(g, t);
}

// Leaves: w (k x n), b (1 x n, sometimes m x n, m x 1 or 1 x 1), x (m x k, an input).
struct lin_case {
    static std::array<tl::shape, 3> shapes(fz::rng& g) {
        fz::extents e(g);
        tl::shape b{e.or1(0) == 1 || fz::chance(g, 0.6) ? 1 : e[0], e.or1(2)};
        return {tl::shape{e[1], e[2]}, b, tl::shape{e[0], e[1]}};
    }
    template <class T>
    static void fill(fz::rng& g, std::size_t k, tl::Tensor<T>& t) { uniform(g, k, t); }
    static auto build(auto const& w, auto const& b, auto const& x) { return tl::lin(x, w, b); }
    static ref reference(fz::reference&, auto const&, ref w, ref b, ref x) { return fz::ops::lin(x, w, b); }
};

// x, lo, hi all params, broadcasting against one another.
struct clamp_case {
    static std::array<tl::shape, 3> shapes(fz::rng& g) {
        fz::extents e(g);
        return {tl::shape{e[0], e[1]}, tl::shape{e.or1(0), e.or1(1)}, tl::shape{e.or1(0), e.or1(1)}};
    }
    template <class T>
    static void fill(fz::rng& g, std::size_t k, tl::Tensor<T>& t) {
        if (k == 1) fz::fill(g, t, -1.5, 0.0);
        else if (k == 2) fz::fill(g, t, 0.0, 1.5);
        else fz::fill(g, t);
    }
    static auto build(auto const& x, auto const& lo, auto const& hi) { return tl::clamp(x, lo, hi); }
    static ref reference(fz::reference&, auto const&, ref x, ref lo, ref hi) { return fz::ops::clamp(x, lo, hi); }
};

struct fma_case : clamp_case {
    template <class T>
    static void fill(fz::rng& g, std::size_t k, tl::Tensor<T>& t) { uniform(g, k, t); }
    static auto build(auto const& a, auto const& b, auto const& c) { return a * b + c; }
    static ref reference(fz::reference&, auto const&, ref a, ref b, ref c) {
        return fz::ops::add(fz::ops::mul(a, b), c);
    }
};

// cross_entropy(lin(x, w, b), labels): w, b params; x, labels inputs.
struct classifier_case {
    static std::array<tl::shape, 4> shapes(fz::rng& g) {
        fz::extents e(g, 0.1);
        return {tl::shape{e[1], e[2]}, tl::shape{1, e[2]}, tl::shape{e[0], e[1]}, tl::shape{e[0], 1}};
    }
    template <class T>
    static void fill(fz::rng& g, std::size_t k, tl::Tensor<T>& t) {
        if (k < 3) return uniform(g, k, t);
        for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<T>(fz::below(g, 6));
    }
    static auto build(auto const& w, auto const& b, auto const& x, auto const& labels) {
        return tl::cross_entropy(tl::lin(x, w, b), labels);
    }
    static ref reference(fz::reference& r, auto const& ts, ref w, ref b, ref x, ref) {
        return fz::ops::cross_entropy(r, fz::ops::lin(x, w, b), ts[3]);
    }
};

// The seed network: mse(lin(relu(lin(x, w1, b1)), w2, b2), y); w1, b1, w2, b2 params.
struct seed_case {
    static std::array<tl::shape, 6> shapes(fz::rng& g) {
        fz::extents e(g, 0.08);
        return {tl::shape{e[1], e[2]}, tl::shape{1, e[2]}, tl::shape{e[2], e[3]}, tl::shape{1, e[3]},
                tl::shape{e[0], e[1]}, tl::shape{e[0], e[3]}};
    }
    template <class T>
    static void fill(fz::rng& g, std::size_t k, tl::Tensor<T>& t) { uniform(g, k, t); }
    static auto build(auto const& w1, auto const& b1, auto const& w2, auto const& b2, auto const& x, auto const& y) {
        return tl::mse(tl::lin(tl::relu(tl::lin(x, w1, b1)), w2, b2), y);
    }
    static ref reference(fz::reference&, auto const&, ref w1, ref b1, ref w2, ref b2, ref x, ref y) {
        using namespace fz::ops;
        return mse(lin(relu(lin(x, w1, b1)), w2, b2), y);
    }
};

constexpr std::size_t N = 500;

} // namespace

BOOST_AUTO_TEST_SUITE(fuzz_functions3)

BOOST_AUTO_TEST_CASE(lin) { fz::expression<double, 2, 1, lin_case>("lin").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(lin_float) { fz::expression<float, 2, 1, lin_case>("lin_float").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(clamp) { fz::expression<double, 3, 0, clamp_case>("clamp").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(multiply_add) { fz::expression<double, 3, 0, fma_case>("multiply_add").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(classifier) { fz::expression<float, 2, 2, classifier_case>("classifier").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(seed_network) { fz::expression<double, 4, 2, seed_case>("seed_network").run(fz::inputs(N)); }

BOOST_AUTO_TEST_SUITE_END()
