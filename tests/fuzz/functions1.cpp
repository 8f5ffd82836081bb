// Fuzzing the one-argument functions (reductions, the softmax family, elementwise maps, transpose)
// on runtime extents that include 0 and 1: every input must succeed with the reference's values
// and gradients, through eval, value_and_grad and a compiled step alike.
#include "support/fuzz_expression.hpp"

#include <boost/test/unit_test.hpp>

namespace tl = tapeless;
namespace fz = tapeless::test::fuzz;
using fz::ref;

namespace {

// One leaf of any shape.
struct any_shape {
    static std::array<tl::shape, 1> shapes(fz::rng& g) { return {tl::shape{fz::extent(g), fz::extent(g)}}; }
    template <class T>
    static void fill(fz::rng& g, std::size_t, tl::Tensor<T>& t) { fz::fill(g, t); }
};

struct sum_rows_case : any_shape {
    static auto build(auto const& a) { return tl::sum_rows(a); }
    static ref reference(fz::reference&, auto const&, ref a) { return fz::ops::sum_rows(a); }
};
struct mean_cols_case : any_shape {
    static auto build(auto const& a) { return tl::mean_cols(a); }
    static ref reference(fz::reference&, auto const&, ref a) { return fz::ops::mean_cols(a); }
};
struct mean_case : any_shape {
    static auto build(auto const& a) { return tl::mean(a); }
    static ref reference(fz::reference&, auto const&, ref a) { return fz::ops::mean(a); }
};
struct log_softmax_case : any_shape {
    static auto build(auto const& a) { return tl::log_softmax(a); }
    static ref reference(fz::reference&, auto const&, ref a) { return fz::ops::log_softmax(a); }
};
struct softmax_case : any_shape {
    static auto build(auto const& a) { return tl::softmax(a); }
    static ref reference(fz::reference&, auto const&, ref a) { return fz::ops::softmax(a); }
};
struct transpose_case : any_shape {
    static auto build(auto const& a) { return tl::transpose(a); }
    static ref reference(fz::reference&, auto const&, ref a) { return fz::ops::transpose(a); }
};
struct elementwise_case : any_shape {
    static auto build(auto const& a) { return tl::sigmoid(tl::tanh(a)) * tl::exp(a) - tl::relu(a); }
    static ref reference(fz::reference&, auto const&, ref a) {
        using namespace fz::ops;
        return sub(mul(sigmoid(tanh(a)), exp(a)), relu(a));
    }
};
struct log_sqrt_case : any_shape {
    template <class T>
    static void fill(fz::rng& g, std::size_t, tl::Tensor<T>& t) { fz::fill(g, t, 0.5, 2.0); }
    static auto build(auto const& a) { return tl::log(a) + tl::sqrt(a); }
    static ref reference(fz::reference&, auto const&, ref a) {
        return fz::ops::add(fz::ops::log(a), fz::ops::sqrt(a));
    }
};

constexpr std::size_t N = 400;

} // namespace

BOOST_AUTO_TEST_SUITE(fuzz_functions1)

BOOST_AUTO_TEST_CASE(sum_rows) { fz::expression<double, 1, 0, sum_rows_case>("sum_rows").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(mean_cols) { fz::expression<double, 1, 0, mean_cols_case>("mean_cols").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(mean) { fz::expression<float, 1, 0, mean_case>("mean").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(log_softmax) { fz::expression<double, 1, 0, log_softmax_case>("log_softmax").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(softmax) { fz::expression<float, 1, 0, softmax_case>("softmax").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(transpose) { fz::expression<double, 1, 0, transpose_case>("transpose").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(elementwise) { fz::expression<double, 1, 0, elementwise_case>("elementwise").run(fz::inputs(N)); }
BOOST_AUTO_TEST_CASE(log_sqrt) { fz::expression<double, 1, 0, log_sqrt_case>("log_sqrt").run(fz::inputs(N)); }

BOOST_AUTO_TEST_SUITE_END()
