// Oracles for the reductions of the expression layer (include/tapeless/expr/reductions.hpp): value
// and the gradient of Σ op(x) ⊙ R against tapeless::tape, value against a long double reference,
// in float and double, runtime and static extents, on matrices, rows and columns.
// Ops covered: sum, sum_rows, sum_cols, mean, mean_rows, mean_cols, logsumexp_rows (the tape has
// none: log(sum_rows(exp(x)))), log_softmax, softmax, and layer_norm (a normalisation along rows).
#include "oracles/oracle.hpp"

namespace tl = tapeless;
using namespace tl::test::oracle;

namespace {

// Σ over rows (Rows), columns (Cols) or both of a, divided by the count when Mean.
template <bool Rows, bool Cols, bool Mean>
ref_matrix reduce(ref_matrix const& a) {
    ref_matrix out(Rows ? 1 : a.rows, Cols ? 1 : a.cols);
    for (std::size_t i = 0; i < a.rows; ++i)
        for (std::size_t j = 0; j < a.cols; ++j) out(Rows ? 0 : i, Cols ? 0 : j) += a(i, j);
    ld const count = ld((Rows ? a.rows : 1) * (Cols ? a.cols : 1));
    if (Mean)
        for (ld& v : out.v) v /= count;
    return out;
}
ld row_logsumexp(ref_matrix const& a, std::size_t i) {
    ld m = a(i, 0), s = 0;
    for (std::size_t j = 1; j < a.cols; ++j) m = std::max(m, a(i, j));
    for (std::size_t j = 0; j < a.cols; ++j) s += std::exp(a(i, j) - m);
    return m + std::log(s);
}

#define TAPELESS_ORACLE_REDUCTION(NAME, ROWS, COLS, MEAN)                                                   \
    struct NAME##_case {                                                                                     \
        static constexpr char const* name = #NAME;                                                           \
        static constexpr auto layouts = unary_layouts;                                                       \
        static constexpr std::array domains{any};                                                            \
        static auto expr(auto const& x) { return tl::NAME(x); }                                              \
        static auto tape(auto&, auto const& x) { return tp::NAME(x); }                                       \
        static ref_matrix reference(auto const& a, dims) { return reduce<ROWS, COLS, MEAN>(a[0]); }          \
    };
TAPELESS_ORACLE_REDUCTION(sum, true, true, false)
TAPELESS_ORACLE_REDUCTION(sum_rows, false, true, false) // along each row: m x 1
TAPELESS_ORACLE_REDUCTION(sum_cols, true, false, false) // along each column: 1 x n
TAPELESS_ORACLE_REDUCTION(mean, true, true, true)
TAPELESS_ORACLE_REDUCTION(mean_rows, false, true, true)
TAPELESS_ORACLE_REDUCTION(mean_cols, true, false, true)
#undef TAPELESS_ORACLE_REDUCTION

struct logsumexp_rows_case {
    static constexpr char const* name = "logsumexp_rows";
    static constexpr auto layouts = unary_layouts;
    static constexpr std::array domains{wide};
    static auto expr(auto const& x) { return tl::logsumexp_rows(x); }
    static auto tape(auto&, auto const& x) { return tp::log(tp::sum_rows(tp::exp(x))); }
    static ref_matrix reference(auto const& a, dims) {
        ref_matrix out(a[0].rows, 1);
        for (std::size_t i = 0; i < a[0].rows; ++i) out(i, 0) = row_logsumexp(a[0], i);
        return out;
    }
};
template <bool Log>
struct softmax_family_case {
    static constexpr char const* name = Log ? "log_softmax" : "softmax";
    static constexpr auto layouts = unary_layouts;
    static constexpr std::array domains{wide};
    static auto expr(auto const& x) {
        if constexpr (Log) return tl::log_softmax(x);
        else return tl::softmax(x);
    }
    static auto tape(auto&, auto const& x) { return Log ? tp::log_softmax(x) : tp::softmax(x); }
    static ref_matrix reference(auto const& a, dims) {
        ref_matrix out(a[0].rows, a[0].cols);
        for (std::size_t i = 0; i < a[0].rows; ++i) {
            ld const lse = row_logsumexp(a[0], i);
            for (std::size_t j = 0; j < a[0].cols; ++j)
                out(i, j) = Log ? a[0](i, j) - lse : std::exp(a[0](i, j) - lse);
        }
        return out;
    }
};

// (x - μ)/√(σ² + 1e-5) ⊙ g + b per row, σ² the biased variance.
struct layer_norm_case {
    static constexpr char const* name = "layer_norm";
    static constexpr auto layouts = make_layouts(lay(ext::mn, ext::row, ext::row), lay(ext::col, ext::one, ext::one));
    static constexpr std::array domains{any, any, any};
    static auto expr(auto const& x, auto const& g, auto const& b) { return tl::layer_norm(x, g, b); }
    static auto tape(auto&, auto const& x, auto const& g, auto const& b) { return tp::layer_norm(x, g, b); }
    static ref_matrix reference(auto const& a, dims) {
        ref_matrix const& x = a[0];
        ref_matrix out(x.rows, x.cols);
        for (std::size_t i = 0; i < x.rows; ++i) {
            ld mean = 0, var = 0;
            for (std::size_t j = 0; j < x.cols; ++j) mean += x(i, j);
            mean /= ld(x.cols);
            for (std::size_t j = 0; j < x.cols; ++j) var += (x(i, j) - mean) * (x(i, j) - mean);
            var /= ld(x.cols);
            for (std::size_t j = 0; j < x.cols; ++j)
                out(i, j) = (x(i, j) - mean) / std::sqrt(var + ld(1e-5)) * a[1](0, j) + a[2](0, j);
        }
        return out;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(oracles_reductions)

BOOST_AUTO_TEST_CASE(sum) { check_op<sum_case, 0>(); }
BOOST_AUTO_TEST_CASE(sum_rows) { check_op<sum_rows_case, 1>(); }
BOOST_AUTO_TEST_CASE(sum_cols) { check_op<sum_cols_case, 2>(); }
BOOST_AUTO_TEST_CASE(mean) { check_op<mean_case, 3>(); }
BOOST_AUTO_TEST_CASE(mean_rows) { check_op<mean_rows_case, 4>(); }
BOOST_AUTO_TEST_CASE(mean_cols) { check_op<mean_cols_case, 5>(); }
BOOST_AUTO_TEST_CASE(logsumexp_rows) { check_op<logsumexp_rows_case, 6>(); }
BOOST_AUTO_TEST_CASE(log_softmax) { check_op<softmax_family_case<true>, 7>(); }
BOOST_AUTO_TEST_CASE(softmax) { check_op<softmax_family_case<false>, 0>(); }
BOOST_AUTO_TEST_CASE(layer_norm) { check_op<layer_norm_case, 1>(); }

BOOST_AUTO_TEST_SUITE_END()
