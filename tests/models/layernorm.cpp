// A layer-normalised MLP written from mean_rows, -, square, sqrt and /, with a runtime scalar (the
// epsilon) inside: per-row reductions and per-row operands in fused loops, against the tape (its
// own derivative rules) and central finite differences, in double, static and runtime extents.
#include "support/gradcheck.hpp"
#include "support/random.hpp"

#include <tapeless/tape/all.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>

namespace tl = tapeless;
using tl::test::relative_error;

namespace {

// Written once for both vocabularies: tapeless expressions and tape vars.
template <class X, class W1, class B1, class W2, class B2, class Y>
auto layernorm_loss(X const& x, W1 const& w1, B1 const& b1, W2 const& w2, B2 const& b2, Y const& y, double eps) {
    using namespace tl;
    auto h = lin(x, w1, b1);
    auto c = h - mean_rows(h);
    auto n = c / sqrt(mean_rows(square(c)) + eps);
    return mse(lin(tanh(n), w2, b2), y);
}

template <class X, class W1, class B1, class W2, class B2, class Y>
auto layernorm_tape(X const& x, W1 const& w1, B1 const& b1, W2 const& w2, B2 const& b2, Y const& y, double eps) {
    namespace tp = tl::tape;
    auto h = tp::lin(x, w1, b1);
    auto c = h - tp::mean_rows(h);
    auto n = c / tp::sqrt(tp::mean_rows(tp::square(c)) + eps);
    return tp::mse(tp::lin(tp::tanh(n), w2, b2), y);
}

} // namespace

BOOST_AUTO_TEST_SUITE(models_layernorm)

BOOST_AUTO_TEST_CASE(against_the_tape_and_finite_differences) {
    for (auto [n, d, h, o] : {std::array<std::size_t, 4>{7, 5, 6, 2}, {300, 20, 33, 3}}) {
        BOOST_TEST_CONTEXT(n << "x" << d << "x" << h << "x" << o) {
            auto x = tl::test::rnd(n, d, 1), y = tl::test::rnd(n, o, 2), w1 = tl::test::rnd(d, h, 3);
            auto b1 = tl::test::rnd(1, h, 4), w2 = tl::test::rnd(h, o, 5), b2 = tl::test::rnd(1, o, 6);
            auto X = tl::input<"x">(x);
            auto Y = tl::input<"y">(y);
            auto W1 = tl::param<"w1">(w1);
            auto B1 = tl::param<"b1">(b1);
            auto W2 = tl::param<"w2">(w2);
            auto B2 = tl::param<"b2">(b2);
            auto loss = layernorm_loss(X, W1, B1, W2, B2, Y, 1e-3);
            auto step = tl::compile(loss, W1, B1, W2, B2);
            // Forward x·w1 and n·w2, backward d·w2ᵀ, nᵀ·d and xᵀ·d: nothing for a zero adjoint.
            BOOST_TEST(decltype(step)::plan::gemm_count == 5u);
            step();

            tl::tape::tape<double> t;
            auto tw1 = t.param(w1), tb1 = t.param(b1), tw2 = t.param(w2), tb2 = t.param(b2);
            auto tl_loss = layernorm_tape(t.input(x), tw1, tb1, tw2, tb2, t.input(y), 1e-3);
            t.backward(tl_loss);
            BOOST_TEST(std::abs(step.value() - tl_loss.item()) <= 1e-12 * std::max(1.0, std::abs(tl_loss.item())));
            BOOST_TEST(relative_error(step.grad(W1), t.grad(tw1)) < 1e-10);
            BOOST_TEST(relative_error(step.grad(B1), t.grad(tb1)) < 1e-10);
            BOOST_TEST(relative_error(step.grad(W2), t.grad(tw2)) < 1e-10);
            BOOST_TEST(relative_error(step.grad(B2), t.grad(tb2)) < 1e-10);

            auto f = [&] { return tl::eval(loss)(0, 0); };
            BOOST_TEST(relative_error(step.grad(W1), tl::test::numerical_gradient(f, w1)) < 1e-6);
            BOOST_TEST(relative_error(step.grad(B2), tl::test::numerical_gradient(f, b2)) < 1e-6);
        }
    }
}

BOOST_AUTO_TEST_CASE(static_extents_match_runtime_extents) {
    constexpr std::size_t N = 9, D = 4, H = 6, O = 2;
    auto x = tl::test::rnd(N, D, 11), y = tl::test::rnd(N, O, 12), w1 = tl::test::rnd(D, H, 13);
    auto b1 = tl::test::rnd(1, H, 14), w2 = tl::test::rnd(H, O, 15), b2 = tl::test::rnd(1, O, 16);
    tl::Tensor<double, N, D> xs;
    tl::Tensor<double, N, O> ys;
    tl::Tensor<double, D, H> w1s;
    tl::Tensor<double, H, O> w2s;
    std::copy_n(x.data(), x.size(), xs.data());
    std::copy_n(y.data(), y.size(), ys.data());
    std::copy_n(w1.data(), w1.size(), w1s.data());
    std::copy_n(w2.data(), w2.size(), w2s.data());
    auto W1 = tl::param<"w1">(w1);
    auto W1s = tl::param<"w1">(w1s);
    auto W2 = tl::param<"w2">(w2);
    auto W2s = tl::param<"w2">(w2s);
    auto B1 = tl::param<"b1">(b1);
    auto B2 = tl::param<"b2">(b2);
    auto dyn = tl::compile(layernorm_loss(tl::input<"x">(x), W1, B1, W2, B2, tl::input<"y">(y), 1e-3), W1, W2);
    auto sta = tl::compile(layernorm_loss(tl::input<"x">(xs), W1s, B1, W2s, B2, tl::input<"y">(ys), 1e-3), W1s, W2s);
    dyn();
    sta();
    BOOST_TEST(std::abs(dyn.value() - sta.value()) <= 1e-13);
    BOOST_TEST(relative_error(dyn.grad(W1), sta.grad(W1s)) < 1e-13);
    BOOST_TEST(relative_error(dyn.grad(W2), sta.grad(W2s)) < 1e-13);
}

BOOST_AUTO_TEST_SUITE_END()
