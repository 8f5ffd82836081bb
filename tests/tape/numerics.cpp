// tapeless::tape's stable ops at magnitude 1000 against a long double reference computed the
// stable way, float against double, and the API's error handling.
#include "support/gradcheck.hpp"
#include "support/random.hpp"

#include <tapeless/tape/all.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

namespace tl = tapeless;
namespace tp = tapeless::tape;
using tl::test::relative_error;

namespace {

using ld = long double;

// Logits of magnitude up to 1000: spread out, and nearly equal large ones in the last rows.
tl::Tensor<double> large_logits() {
    auto x = tl::test::random_uniform<double>(6, 5, 7, -1000, 1000);
    for (std::size_t j = 0; j < 5; ++j) {
        x(4, j) = 1000.0 - 0.5 * double(j);
        x(5, j) = -1000.0 + 0.25 * double(j);
    }
    return x;
}

template <class T, class U>
tl::Tensor<T> cast(tl::Tensor<U> const& a) {
    tl::Tensor<T> t(a.rows(), a.cols());
    for (std::size_t k = 0; k < a.size(); ++k) t.data()[k] = static_cast<T>(a.data()[k]);
    return t;
}

ld row_lse(tl::Tensor<double> const& x, std::size_t i) {
    ld m = x(i, 0);
    for (std::size_t j = 1; j < x.cols(); ++j) m = std::max<ld>(m, x(i, j));
    ld s = 0;
    for (std::size_t j = 0; j < x.cols(); ++j) s += std::exp(ld(x(i, j)) - m);
    return m + std::log(s);
}

bool all_finite(tl::TensorView<float const> v) {
    for (std::size_t k = 0; k < v.size(); ++k)
        if (!std::isfinite(v.data()[k])) return false;
    return true;
}
bool all_finite(tl::TensorView<double const> v) {
    for (std::size_t k = 0; k < v.size(); ++k)
        if (!std::isfinite(v.data()[k])) return false;
    return true;
}

// Tolerances: the reference is exact to long double; double results to a few ulps of the largest
// magnitude, float ones to a few float ulps (1000's float ulp is 6e-5, relative 6e-8).
template <class T>
constexpr double tol = std::is_same_v<T, float> ? 1e-6 : 1e-14;

} // namespace

BOOST_AUTO_TEST_SUITE(tape_numerics)

using element_types = std::tuple<float, double>;

BOOST_AUTO_TEST_CASE_TEMPLATE(softmax_family_at_magnitude_1000, T, element_types) {
    auto xd = large_logits();
    auto x = cast<T>(xd);
    auto xr = cast<double>(x); // the reference starts from the same (rounded) inputs
    std::size_t const N = x.rows(), C = x.cols();
    std::vector<int> labels{0, 4, 2, 1, 3, 2};
    tl::Tensor<double> onehot(N, C), probs(N, C);
    for (std::size_t i = 0; i < N; ++i) {
        onehot(i, std::size_t(labels[i])) = 1;
        for (std::size_t j = 0; j < C; ++j) probs(i, j) = (double(i + j) + 1) / 20;
    }
    auto onehot_t = cast<T>(onehot), probs_t = cast<T>(probs);

    // Long double references, the stable way.
    tl::Tensor<double> ref_ls(N, C), ref_sm(N, C), ref_ce_grad(N, C), ref_cep_grad(N, C);
    ld ce = 0, cep = 0;
    for (std::size_t i = 0; i < N; ++i) {
        ld const lse = row_lse(xr, i);
        ld mass = 0;
        for (std::size_t j = 0; j < C; ++j) mass += ld(static_cast<T>(probs(i, j)));
        for (std::size_t j = 0; j < C; ++j) {
            ld const ls = ld(xr(i, j)) - lse, p = std::exp(ls), t = ld(static_cast<T>(probs(i, j)));
            ref_ls(i, j) = double(ls);
            ref_sm(i, j) = double(p);
            ref_ce_grad(i, j) = double((p - (int(j) == labels[i] ? 1 : 0)) / ld(N));
            ref_cep_grad(i, j) = double((p * mass - t) / ld(N));
            cep -= t * ls;
        }
        ce -= ld(xr(i, std::size_t(labels[i]))) - lse;
    }
    ce /= ld(N);
    cep /= ld(N);

    tp::tape<T> t;
    auto X = t.param(x);
    auto ls = tp::log_softmax(X);
    auto sm = tp::softmax(X);
    BOOST_TEST(relative_error(ls.value(), ref_ls) < tol<T>);
    BOOST_TEST(relative_error(sm.value(), ref_sm) < tol<T>);
    BOOST_TEST(all_finite(ls.value()));
    BOOST_TEST(all_finite(sm.value()));

    auto l = tp::cross_entropy(X, labels);
    BOOST_TEST(std::abs(ld(l.item()) - ce) <= tol<T> * std::abs(ce));
    t.backward(l);
    BOOST_TEST(relative_error(t.grad(X), ref_ce_grad) < tol<T> * 10);

    auto lo = tp::cross_entropy(X, t.input(onehot_t));
    BOOST_TEST(std::abs(ld(lo.item()) - ce) <= tol<T> * std::abs(ce));
    t.backward(lo);
    BOOST_TEST(relative_error(t.grad(X), ref_ce_grad) < tol<T> * 10);

    auto lp = tp::cross_entropy(X, t.input(probs_t));
    BOOST_TEST(std::abs(ld(lp.item()) - cep) <= tol<T> * std::abs(cep) * 10);
    t.backward(lp);
    BOOST_TEST(relative_error(t.grad(X), ref_cep_grad) < tol<T> * 10);

    // Gradients through log_softmax and softmax themselves: seed with ones and a one-hot.
    tl::Tensor<T> ones(N, C, T(1));
    t.backward(ls, ones.view());
    tl::Tensor<double> ref(N, C);
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < C; ++j) ref(i, j) = 1.0 - ref_sm(i, j) * double(C);
    BOOST_TEST(relative_error(t.grad(X), ref) < tol<T> * 10);
    t.backward(sm, onehot_t.view());
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < C; ++j) {
            ld const pl = ref_sm(i, std::size_t(labels[i]));
            ref(i, j) = double(ld(ref_sm(i, j)) * ((int(j) == labels[i] ? 1 : 0) - pl));
        }
    BOOST_TEST(relative_error(t.grad(X), ref) < tol<T> * 10);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(logistic_ops_at_magnitude_1000, T, element_types) {
    tl::Tensor<double> xd{{-1000, -700, -50, -20, -1, -1e-3, 0, 1e-3, 1, 20, 50, 700, 1000}};
    tl::Tensor<double> yd(1, xd.cols());
    for (std::size_t j = 0; j < yd.cols(); ++j) yd(0, j) = double(j % 3) / 2; // 0, 0.5, 1
    auto x = cast<T>(xd), y = cast<T>(yd);
    std::size_t const n = x.size();

    tl::Tensor<double> sig(1, n), sp(1, n), bce_grad(1, n), bce_tgrad(1, n);
    ld bce = 0;
    for (std::size_t j = 0; j < n; ++j) {
        ld const v = ld(x(0, j)), t = ld(y(0, j));
        ld const e = std::exp(-std::abs(v));
        ld const s = v >= 0 ? 1 / (1 + e) : e / (1 + e);
        sig(0, j) = double(s);
        sp(0, j) = double(std::max<ld>(v, 0) + std::log1p(e));
        bce += std::max<ld>(v, 0) - v * t + std::log1p(e);
        bce_grad(0, j) = double((s - t) / ld(n));
        bce_tgrad(0, j) = double(-v / ld(n));
    }
    bce /= ld(n);

    tp::tape<T> t;
    auto X = t.param(x);
    auto Y = t.param(y);
    auto s = tp::sigmoid(X);
    auto p = tp::softplus(X);
    BOOST_TEST(all_finite(s.value()));
    BOOST_TEST(all_finite(p.value()));
    // Per element, relative: sigmoid(-700) ~ 1e-304 must not flush to 0 in double.
    for (std::size_t j = 0; j < n; ++j) {
        double const ref = sig(0, j);
        if (std::is_same_v<T, double> || ref > 1e-30)
            BOOST_TEST(std::abs(double(s.value()(0, j)) - ref) <= 4 * tol<T> * ref);
        // Below float's range (softplus(-700) ~ 1e-304) float rounds to 0: an absolute floor.
        double const floor = std::is_same_v<T, float> ? 1e-37 : 0.0;
        BOOST_TEST(std::abs(double(p.value()(0, j)) - sp(0, j)) <= 4 * tol<T> * sp(0, j) + floor);
    }
    auto l = tp::binary_cross_entropy_with_logits(X, Y);
    BOOST_TEST(std::abs(ld(l.item()) - bce) <= tol<T> * bce * 10);
    t.backward(l);
    BOOST_TEST(relative_error(t.grad(X), bce_grad) < tol<T> * 10);
    BOOST_TEST(relative_error(t.grad(Y), bce_tgrad) < tol<T> * 10);
    // d softplus = sigmoid, d sigmoid = s (1 - s): finite everywhere.
    t.backward(tp::sum(p));
    BOOST_TEST(relative_error(t.grad(X), sig) < tol<T> * 10);
    t.backward(tp::sum(s));
    BOOST_TEST(all_finite(t.grad(X)));
}

BOOST_AUTO_TEST_CASE(float_agrees_with_double) {
    auto xd = tl::test::random_uniform<double>(7, 5, 201), wd = tl::test::random_uniform<double>(5, 4, 202);
    auto bd = tl::test::random_uniform<double>(1, 4, 203), sd = tl::test::random_uniform<double>(7, 1, 204);
    std::vector<int> labels{0, 1, 2, 3, 0, 1, 2};
    auto run = [&]<class T>(tp::tape<T>& t, tl::Tensor<T> const& x, tl::Tensor<T> const& w, tl::Tensor<T> const& b,
                            tl::Tensor<T> const& s) {
        auto X = t.input(x);
        auto W = t.param(w);
        auto B = t.param(b);
        auto S = t.param(s);
        auto h = tp::tanh(tp::lin(X, W, B)) * tp::sigmoid(S) + tp::softplus(tp::transpose(tp::matmul(tp::transpose(W), tp::transpose(X))));
        auto loss = tp::cross_entropy(h, labels) + tp::mean(tp::square(h - 0.5)) + 1e-2 * tp::l2(W);
        t.backward(loss);
        return std::tuple{loss.item(), t.grad(W), t.grad(B), t.grad(S)};
    };
    tp::tape<double> td;
    tp::tape<float> tf;
    auto xf = cast<float>(xd), wf = cast<float>(wd), bf = cast<float>(bd), sf = cast<float>(sd);
    auto [ld_, gwd, gbd, gsd] = run(td, xd, wd, bd, sd);
    auto [lf, gwf, gbf, gsf] = run(tf, xf, wf, bf, sf);
    BOOST_TEST(std::abs(double(lf) - ld_) < 1e-6 * std::abs(ld_));
    BOOST_TEST(relative_error(gwf, gwd) < 1e-5);
    BOOST_TEST(relative_error(gbf, gbd) < 1e-5);
    BOOST_TEST(relative_error(gsf, gsd) < 1e-5);
}

BOOST_AUTO_TEST_CASE(errors_and_gradient_semantics) {
    tl::Tensor<double> a(3, 4, 1.0), b(2, 4, 1.0), c(4, 2, 1.0), w(4, 1, 0.5), unused(2, 2, 3.0);
    tp::tape<double> t;
    auto A = t.param(a);
    auto B = t.input(b);
    auto C = t.param(c);
    auto U = t.param(unused);
    BOOST_CHECK_THROW(A + B, tl::shape_error);         // 3x4 and 2x4 do not broadcast
    BOOST_CHECK_THROW(tp::matmul(A, A), tl::shape_error); // inner extents differ
    BOOST_CHECK_THROW(tp::mse(A, B), tl::shape_error);
    BOOST_CHECK_THROW(tp::lin(A, C, B), tl::shape_error); // bias 2x4 against a 3x2 product
    BOOST_CHECK_THROW(t.backward(A), tl::shape_error);    // not 1x1
    BOOST_CHECK_THROW(tp::cross_entropy(A, std::vector<int>{0, 1}), tl::shape_error);
    BOOST_CHECK_THROW(tp::cross_entropy(A, std::vector<int>{0, 1, 4}), tl::error);
    BOOST_CHECK_THROW(tp::cross_entropy(A, std::vector<int>{0, -1, 2}), tl::error);
    try {
        (void)tp::matmul(A, A);
    } catch (tl::shape_error const& e) {
        BOOST_TEST(std::string(e.what()) == "tapeless: tape: matmul: shapes 3x4 and 3x4: inner extents differ");
    }

    auto loss = tp::sum(tp::matmul(A, C));
    BOOST_CHECK_THROW((void)t.grad(A), tl::error); // before backward
    t.backward(loss);
    BOOST_TEST(t.grad(A)(0, 0) == 2.0);              // Σ_j c_0j
    BOOST_TEST(t.grad(C)(0, 0) == 3.0);              // Σ_i a_i0
    BOOST_TEST(t.grad(U)(1, 1) == 0.0);              // a param the loss does not use: zero
    BOOST_CHECK_THROW((void)t.grad(B), tl::error);   // an input has no gradient
    // backward again recomputes, it does not accumulate.
    t.backward(loss);
    BOOST_TEST(t.grad(A)(0, 0) == 2.0);
    // Another loss on the same recording: its own gradients.
    t.backward(tp::sum(A));
    BOOST_TEST(t.grad(A)(0, 0) == 1.0);
    BOOST_TEST(t.grad(C)(0, 0) == 0.0);
    // A loss with no param upstream: every param gradient is zero.
    t.backward(tp::sum(B));
    BOOST_TEST(t.grad(A)(2, 3) == 0.0);

    tp::tape<double> other;
    auto W = other.param(w);
    BOOST_CHECK_THROW(tp::matmul(A, W), tl::error); // two tapes
    t.clear();
    BOOST_CHECK_THROW(A + A, tl::error);            // recorded before clear()
    BOOST_CHECK_THROW((void)A.value(), tl::error);
    BOOST_TEST(t.size() == 0u);
    BOOST_CHECK_THROW((void)tp::var<double>{}.value(), tl::error);
}

// Empty operands: an operand broadcast into an empty result gets a zero gradient (it was left
// unwritten), and the mean of nothing is NaN, not an integer division by zero.
BOOST_AUTO_TEST_CASE(empty_operands) {
    tl::tape::tape<double> t;
    tl::Tensor<double> a(0, 2), b(1, 2, 5.0), x(0, 3);
    auto A = t.param(a.view()), B = t.param(b.view());
    t.backward(tl::tape::sum(A * B));
    auto gb = t.grad(B);
    BOOST_TEST(gb(0, 0) == 0.0);
    BOOST_TEST(gb(0, 1) == 0.0);
    t.clear();
    auto X = t.input(x.view());
    BOOST_TEST(tl::tape::mean_rows(X).shape().rows == 0u);
    auto m = tl::tape::mean_cols(X).value();
    BOOST_TEST(m.cols() == 3u);
    BOOST_TEST(std::isnan(m(0, 0)));
}

BOOST_AUTO_TEST_SUITE_END()
