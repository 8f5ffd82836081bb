// Oracles for the products and layers of the expression layer (include/tapeless/expr/functions.hpp,
// layers.hpp): value and the gradient of Σ op ⊙ R with respect to every operand against
// tapeless::tape, value against a long double reference, in float and double, runtime and static
// extents, up to 200x300·300x50.
// Ops covered: matmul with each operand transposed or not, transpose on its own, lin (bias a row,
// a column, 1 x 1 or a matrix), mlp (two layers, default relu and a given activation).
#include "oracles/oracle.hpp"

#include <tuple>
#include <utility>

namespace tl = tapeless;
using namespace tl::test::oracle;

namespace {

template <bool TA, bool TB>
struct matmul_case {
    static constexpr char const* name = TA ? (TB ? "matmul(aT, bT)" : "matmul(aT, b)") : (TB ? "matmul(a, bT)" : "matmul(a, b)");
    static constexpr auto layouts = make_layouts(lay(TA ? ext::km : ext::mk, TB ? ext::nk : ext::kn));
    static constexpr std::array domains{any, any};
    static auto maybe_t(bool t, auto const& x) { return t ? tp::transpose(x) : x; }
    static auto expr(auto const& a, auto const& b) {
        if constexpr (TA && TB) return tl::matmul(tl::transpose(a), tl::transpose(b));
        else if constexpr (TA) return tl::matmul(tl::transpose(a), b);
        else if constexpr (TB) return tl::matmul(a, tl::transpose(b));
        else return tl::matmul(a, b);
    }
    static auto tape(auto&, auto const& a, auto const& b) { return tp::matmul(maybe_t(TA, a), maybe_t(TB, b)); }
    static ref_matrix reference(auto const& a, dims) { return product(a[0], TA, a[1], TB); }
};

struct transpose_case {
    static constexpr char const* name = "transpose";
    static constexpr auto layouts = make_layouts(lay(ext::nm), lay(ext::row), lay(ext::col));
    static constexpr std::array domains{any};
    static auto expr(auto const& x) { return tl::transpose(x); }
    static auto tape(auto&, auto const& x) { return tp::transpose(x); }
    static ref_matrix reference(auto const& a, dims) {
        ref_matrix out(a[0].cols, a[0].rows);
        for (std::size_t i = 0; i < out.rows; ++i)
            for (std::size_t j = 0; j < out.cols; ++j) out(i, j) = a[0](j, i);
        return out;
    }
};

ref_matrix plus_bias(ref_matrix y, ref_matrix const& b) {
    for (std::size_t i = 0; i < y.rows; ++i)
        for (std::size_t j = 0; j < y.cols; ++j) y(i, j) += b.at(i, j);
    return y;
}

struct lin_case {
    static constexpr char const* name = "lin";
    static constexpr auto layouts = make_layouts(lay(ext::mk, ext::kn, ext::row), lay(ext::mk, ext::kn, ext::col),
                                                 lay(ext::mk, ext::kn, ext::one), lay(ext::mk, ext::kn, ext::mn));
    static constexpr std::array domains{any, any, any};
    static auto expr(auto const& x, auto const& w, auto const& b) { return tl::lin(x, w, b); }
    static auto tape(auto&, auto const& x, auto const& w, auto const& b) { return tp::lin(x, w, b); }
    static ref_matrix reference(auto const& a, dims) { return plus_bias(product(a[0], false, a[1], false), a[2]); }
};

// Two layers: x (m x k) -> n -> n.
template <bool Tanh>
struct mlp_case {
    static constexpr char const* name = Tanh ? "mlp with tanh" : "mlp";
    static constexpr auto layouts = make_layouts(lay(ext::mk, ext::kn, ext::row, ext::nn, ext::row));
    static constexpr std::array domains{any, any, any, any, any};
    static auto expr(auto const& x, auto const& w1, auto const& b1, auto const& w2, auto const& b2) {
        auto layers = std::tuple{std::pair{w1, b1}, std::pair{w2, b2}};
        if constexpr (Tanh) return tl::mlp(x, layers, [](auto const& h) { return tl::tanh(h); });
        else return tl::mlp(x, layers);
    }
    static auto tape(auto&, auto const& x, auto const& w1, auto const& b1, auto const& w2, auto const& b2) {
        auto h = tp::lin(x, w1, b1);
        return tp::lin(Tanh ? tp::tanh(h) : tp::relu(h), w2, b2);
    }
    static ref_matrix reference(auto const& a, dims) {
        ref_matrix h = plus_bias(product(a[0], false, a[1], false), a[2]);
        for (ld& v : h.v) v = Tanh ? std::tanh(v) : std::max(v, ld(0));
        return plus_bias(product(h, false, a[3], false), a[4]);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(oracles_products)

BOOST_AUTO_TEST_CASE(matmul) { check_op<matmul_case<false, false>, 0>(); }
BOOST_AUTO_TEST_CASE(matmul_transposed_a) { check_op<matmul_case<true, false>, 1>(); }
BOOST_AUTO_TEST_CASE(matmul_transposed_b) { check_op<matmul_case<false, true>, 2>(); }
BOOST_AUTO_TEST_CASE(matmul_transposed_both) { check_op<matmul_case<true, true>, 3>(); }
BOOST_AUTO_TEST_CASE(transpose) { check_op<transpose_case, 4>(); }
BOOST_AUTO_TEST_CASE(lin) { check_op<lin_case, 5>(); }
BOOST_AUTO_TEST_CASE(mlp) { check_op<mlp_case<false>, 6>(); }
BOOST_AUTO_TEST_CASE(mlp_with_activation) { check_op<mlp_case<true>, 7>(); }

BOOST_AUTO_TEST_SUITE_END()
