// Oracles for the losses of the expression layer (include/tapeless/expr/losses.hpp): value and
// gradient with respect to every param operand (targets included) against tapeless::tape, value
// against a long double reference, in float and double, runtime and static extents. Logits span
// [-8, 8].
// Ops covered: mse, cross_entropy (class labels, an input), cross_entropy_with_probs,
// binary_cross_entropy_with_logits, l2, one_hot (its `like` operand gets a zero gradient).
#include "oracles/oracle.hpp"

namespace tl = tapeless;
using namespace tl::test::oracle;

namespace {

ld row_logsumexp(ref_matrix const& a, std::size_t i) {
    ld m = a(i, 0), s = 0;
    for (std::size_t j = 1; j < a.cols; ++j) m = std::max(m, a(i, j));
    for (std::size_t j = 0; j < a.cols; ++j) s += std::exp(a(i, j) - m);
    return m + std::log(s);
}
ref_matrix scalar(ld v) {
    ref_matrix out(1, 1);
    out(0, 0) = v;
    return out;
}

struct mse_case {
    static constexpr char const* name = "mse";
    static constexpr auto layouts = make_layouts(lay(ext::mn, ext::mn));
    static constexpr std::array domains{any, any};
    static auto expr(auto const& p, auto const& y) { return tl::mse(p, y); }
    static auto tape(auto&, auto const& p, auto const& y) { return tp::mse(p, y); }
    static ref_matrix reference(auto const& a, dims) {
        ld s = 0;
        for (std::size_t k = 0; k < a[0].v.size(); ++k) s += (a[0].v[k] - a[1].v[k]) * (a[0].v[k] - a[1].v[k]);
        return scalar(s / ld(a[0].v.size()));
    }
};
struct cross_entropy_case {
    static constexpr char const* name = "cross_entropy";
    static constexpr auto layouts = make_layouts(lay(ext::mn, ext::col));
    static constexpr std::array domains{wide, labels};
    static constexpr std::array inputs{false, true};
    static auto expr(auto const& z, auto const& l) { return tl::cross_entropy(z, l); }
    static auto tape(auto& c, auto const& z, auto const&) { return tp::cross_entropy(z, c.views[1]); }
    static ref_matrix reference(auto const& a, dims) {
        ld s = 0;
        for (std::size_t i = 0; i < a[0].rows; ++i) s -= a[0](i, std::size_t(a[1](i, 0))) - row_logsumexp(a[0], i);
        return scalar(s / ld(a[0].rows));
    }
};
struct cross_entropy_with_probs_case {
    static constexpr char const* name = "cross_entropy_with_probs";
    static constexpr auto layouts = make_layouts(lay(ext::mn, ext::mn));
    static constexpr std::array domains{wide, unit}; // not normalised: the rules must not assume Σ p = 1
    static auto expr(auto const& z, auto const& p) { return tl::cross_entropy_with_probs(z, p); }
    static auto tape(auto&, auto const& z, auto const& p) { return tp::cross_entropy(z, p); }
    static ref_matrix reference(auto const& a, dims) {
        ld s = 0;
        for (std::size_t i = 0; i < a[0].rows; ++i) {
            ld const lse = row_logsumexp(a[0], i);
            for (std::size_t j = 0; j < a[0].cols; ++j) s -= a[1](i, j) * (a[0](i, j) - lse);
        }
        return scalar(s / ld(a[0].rows));
    }
};
struct binary_cross_entropy_with_logits_case {
    static constexpr char const* name = "binary_cross_entropy_with_logits";
    static constexpr auto layouts = make_layouts(lay(ext::mn, ext::mn));
    static constexpr std::array domains{wide, unit};
    static auto expr(auto const& z, auto const& t) { return tl::binary_cross_entropy_with_logits(z, t); }
    static auto tape(auto&, auto const& z, auto const& t) { return tp::binary_cross_entropy_with_logits(z, t); }
    static ref_matrix reference(auto const& a, dims) { // -[t ln σ(z) + (1 - t) ln(1 - σ(z))]
        ld s = 0;
        for (std::size_t k = 0; k < a[0].v.size(); ++k) {
            ld const z = a[0].v[k], t = a[1].v[k], sig = 1 / (1 + std::exp(-z));
            s -= t * std::log(sig) + (1 - t) * std::log(1 - sig);
        }
        return scalar(s / ld(a[0].v.size()));
    }
};
struct l2_case {
    static constexpr char const* name = "l2";
    static constexpr auto layouts = unary_layouts;
    static constexpr std::array domains{any};
    static auto expr(auto const& w) { return tl::l2(w); }
    static auto tape(auto&, auto const& w) { return tp::l2(w); }
    static ref_matrix reference(auto const& a, dims) {
        ld s = 0;
        for (ld w : a[0].v) s += w * w;
        return scalar(s);
    }
};
// one_hot(labels, like): `like` is a param read for its shape only, so its gradient is 0. The tape
// has no one_hot: the mask built here, plus 0 ⊙ like so that like is on the tape.
struct one_hot_case {
    static constexpr char const* name = "one_hot";
    static constexpr auto layouts = make_layouts(lay(ext::col, ext::mn));
    static constexpr std::array domains{labels, any};
    static constexpr std::array inputs{true, false};
    static auto expr(auto const& l, auto const& like) { return tl::one_hot(l, like); }
    template <class C, class V>
    static auto tape(C& c, V const&, V const& like) {
        using T = typename V::value_type;
        tl::Tensor<T> mask(like.rows(), like.cols());
        for (std::size_t i = 0; i < mask.rows(); ++i) mask(i, std::size_t(c.views[0](i, 0))) = 1;
        return c.constant(std::move(mask)) + like * 0.0;
    }
    static ref_matrix reference(auto const& a, dims) {
        ref_matrix out(a[1].rows, a[1].cols);
        for (std::size_t i = 0; i < out.rows; ++i) out(i, std::size_t(a[0](i, 0))) = 1;
        return out;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(oracles_losses)

BOOST_AUTO_TEST_CASE(mse) { check_op<mse_case, 0>(); }
BOOST_AUTO_TEST_CASE(cross_entropy) { check_op<cross_entropy_case, 1>(); }
BOOST_AUTO_TEST_CASE(cross_entropy_with_probs) { check_op<cross_entropy_with_probs_case, 2>(); }
BOOST_AUTO_TEST_CASE(binary_cross_entropy_with_logits) { check_op<binary_cross_entropy_with_logits_case, 3>(); }
BOOST_AUTO_TEST_CASE(l2) { check_op<l2_case, 4>(); }
BOOST_AUTO_TEST_CASE(one_hot) { check_op<one_hot_case, 5>(); }

BOOST_AUTO_TEST_SUITE_END()
