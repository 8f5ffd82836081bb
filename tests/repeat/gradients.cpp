// tl::repeat's gradients: against the same network unrolled by hand, against an independent
// implementation of the residual tanh network written out in loops, and against central finite
// differences; with an expression as the input, several repeats in one loss, float and double.
#include "support/random.hpp"

#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace tl = tapeless;

namespace {

auto const residual = [](auto const& h, auto const& w, auto const& b) { return h + tl::tanh(tl::lin(h, w, b)); };

// A residual tanh network: x (n x d) through L blocks, then a d x 1 head and mse against y.
template <class T>
struct residual_net {
    std::size_t n, d;
    std::vector<tl::Tensor<T>> w, b;
    tl::Tensor<T> x, wo, y;
    residual_net(std::size_t n_, std::size_t d_, std::size_t layers, std::uint64_t seed)
        : n(n_), d(d_), x(n_, d_), wo(d_, 1), y(n_, 1) {
        tl::test::rng g(seed);
        for (std::size_t i = 0; i < layers; ++i) add_layer(g);
        tl::test::fill_uniform(x, g);
        tl::test::fill_uniform(wo, g);
        tl::test::fill_uniform(y, g);
    }
    void add_layer(tl::test::rng& g) {
        w.emplace_back(d, d);
        b.emplace_back(1, d);
        tl::test::fill_uniform(w.back(), g, -0.6, 0.6);
        tl::test::fill_uniform(b.back(), g, -0.5, 0.5);
    }
};

// The same network's loss and gradients written out in loops, in double: no library code.
struct reference {
    double loss = 0;
    std::vector<std::vector<double>> gw, gb;
    std::vector<double> gwo, gx;
};
template <class T>
reference reference_of(residual_net<T> const& m) {
    std::size_t const n = m.n, d = m.d, layers = m.w.size();
    std::vector<std::vector<double>> h(layers + 1, std::vector<double>(n * d)), t(layers, std::vector<double>(n * d));
    for (std::size_t i = 0; i < n * d; ++i) h[0][i] = m.x.data()[i];
    for (std::size_t l = 0; l < layers; ++l)
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t c = 0; c < d; ++c) {
                double z = m.b[l].data()[c];
                for (std::size_t k = 0; k < d; ++k) z += h[l][r * d + k] * m.w[l].data()[k * d + c];
                t[l][r * d + c] = std::tanh(z);
                h[l + 1][r * d + c] = h[l][r * d + c] + t[l][r * d + c];
            }
    reference out;
    std::vector<double> gp(n);
    for (std::size_t r = 0; r < n; ++r) {
        double p = 0;
        for (std::size_t k = 0; k < d; ++k) p += h[layers][r * d + k] * m.wo.data()[k];
        double e = p - m.y.data()[r];
        out.loss += e * e / double(n);
        gp[r] = 2 * e / double(n);
    }
    out.gwo.assign(d, 0);
    std::vector<double> gh(n * d);
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t k = 0; k < d; ++k) {
            out.gwo[k] += h[layers][r * d + k] * gp[r];
            gh[r * d + k] = gp[r] * m.wo.data()[k];
        }
    out.gw.assign(layers, std::vector<double>(d * d));
    out.gb.assign(layers, std::vector<double>(d));
    for (std::size_t l = layers; l-- > 0;) {
        std::vector<double> gz(n * d), next(gh);
        for (std::size_t i = 0; i < n * d; ++i) gz[i] = gh[i] * (1 - t[l][i] * t[l][i]);
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t c = 0; c < d; ++c) {
                out.gb[l][c] += gz[r * d + c];
                for (std::size_t k = 0; k < d; ++k) {
                    out.gw[l][k * d + c] += h[l][r * d + k] * gz[r * d + c];
                    next[r * d + k] += gz[r * d + c] * m.w[l].data()[k * d + c];
                }
            }
        gh = next;
    }
    out.gx = gh;
    return out;
}

template <class V>
double max_error(V const& got, std::vector<double> const& want) {
    double e = 0;
    for (std::size_t i = 0; i < want.size(); ++i)
        e = std::max(e, std::abs(double(got.data()[i]) - want[i]) / std::max(1.0, std::abs(want[i])));
    return e;
}

} // namespace

BOOST_AUTO_TEST_SUITE(repeat_gradients)

// The contract's example, in double: every gradient equals the unrolled network's.
BOOST_AUTO_TEST_CASE(equals_the_unrolled_network) {
    residual_net<double> m(7, 5, 3, 11);
    auto X = tl::input<"x">(m.x);
    auto Y = tl::input<"y">(m.y);
    auto Wo = tl::param<"wo">(m.wo);
    auto W = tl::params<"w">(m.w);
    auto B = tl::params<"b">(m.b);
    auto step = tl::compile(tl::mse(tl::matmul(tl::repeat(residual, X, W, B), Wo), Y), Wo, W, B);
    step();

    auto W0 = tl::param<"w0">(m.w[0]);
    auto W1 = tl::param<"w1">(m.w[1]);
    auto W2 = tl::param<"w2">(m.w[2]);
    auto B0 = tl::param<"b0">(m.b[0]);
    auto B1 = tl::param<"b1">(m.b[1]);
    auto B2 = tl::param<"b2">(m.b[2]);
    auto unrolled = tl::mse(tl::matmul(residual(residual(residual(X, W0, B0), W1, B1), W2, B2), Wo), Y);
    auto u = tl::compile(unrolled, Wo, W0, B0, W1, B1, W2, B2);
    u();

    auto close = [](auto const& a, auto const& b) {
        double e = 0;
        for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, std::abs(a.data()[i] - b.data()[i]));
        return e;
    };
    BOOST_TEST(std::abs(step.value() - u.value()) <= 1e-12);
    BOOST_TEST(step.grad(W).size() == 3u);
    BOOST_TEST(close(step.grad(Wo), u.grad(Wo)) <= 1e-12);
    BOOST_TEST(close(step.grad(W)[0], u.grad(W0)) <= 1e-12);
    BOOST_TEST(close(step.grad(W)[1], u.grad(W1)) <= 1e-12);
    BOOST_TEST(close(step.grad(W)[2], u.grad(W2)) <= 1e-12);
    BOOST_TEST(close(step.grad(B)[0], u.grad(B0)) <= 1e-12);
    BOOST_TEST(close(step.grad(B)[1], u.grad(B1)) <= 1e-12);
    BOOST_TEST(close(step.grad(B)[2], u.grad(B2)) <= 1e-12);
    BOOST_TEST(close(step.grad<"w">()[1], u.grad(W1)) <= 1e-12);
}

// Against loops written out in double, at several depths of one compiled step (the depth is read
// at each call), with x a parameter too so that x̄ comes out of the repeat.
BOOST_AUTO_TEST_CASE(equals_a_reference_at_every_depth) {
    residual_net<double> m(9, 4, 0, 21);
    tl::test::rng g(5);
    auto Xp = tl::param<"x">(m.x);
    auto Y = tl::input<"y">(m.y);
    auto Wo = tl::param<"wo">(m.wo);
    auto W = tl::params<"w">(m.w);
    auto B = tl::params<"b">(m.b);
    auto step = tl::compile(tl::mse(tl::matmul(tl::repeat(residual, Xp, W, B), Wo), Y), Xp, Wo, W, B);
    for (std::size_t layers : {0u, 1u, 4u, 2u, 7u}) {
        while (m.w.size() < layers) m.add_layer(g);
        m.w.resize(layers, tl::Tensor<double>(m.d, m.d));
        m.b.resize(layers, tl::Tensor<double>(1, m.d));
        step();
        reference const r = reference_of(m);
        BOOST_TEST_CONTEXT("layers " << layers) {
            BOOST_TEST(std::abs(step.value() - r.loss) <= 1e-12);
            BOOST_TEST(step.grad(W).size() == layers);
            BOOST_TEST(max_error(step.grad(Xp), r.gx) <= 1e-12);
            BOOST_TEST(max_error(step.grad(Wo), r.gwo) <= 1e-12);
            for (std::size_t l = 0; l < layers; ++l) {
                BOOST_TEST(max_error(step.grad(W)[l], r.gw[l]) <= 1e-12);
                BOOST_TEST(max_error(step.grad(B)[l], r.gb[l]) <= 1e-12);
            }
        }
    }
}

// Central finite differences of the loss, for a few entries of every layer's parameters.
BOOST_AUTO_TEST_CASE(matches_finite_differences) {
    residual_net<double> m(6, 3, 3, 31);
    auto X = tl::input<"x">(m.x);
    auto Y = tl::input<"y">(m.y);
    auto Wo = tl::param<"wo">(m.wo);
    auto W = tl::params<"w">(m.w);
    auto B = tl::params<"b">(m.b);
    auto loss = tl::mse(tl::matmul(tl::repeat(residual, X, W, B), Wo), Y);
    auto step = tl::compile(loss, W, B);
    step();
    auto value = tl::compile(loss);
    auto f = [&] {
        value();
        return value.result()(0, 0);
    };
    double const eps = 1e-6;
    for (std::size_t l = 0; l < 3; ++l)
        for (std::size_t i : {0u, 4u, 8u}) {
            double& p = m.w[l].data()[i];
            double const keep = p;
            p = keep + eps;
            double const up = f();
            p = keep - eps;
            double const down = f();
            p = keep;
            BOOST_TEST(std::abs(step.grad(W)[l].data()[i] - (up - down) / (2 * eps)) <= 1e-8);
        }
    for (std::size_t l = 0; l < 3; ++l) {
        double& p = m.b[l].data()[1];
        double const keep = p;
        p = keep + eps;
        double const up = f();
        p = keep - eps;
        double const down = f();
        p = keep;
        BOOST_TEST(std::abs(step.grad(B)[l].data()[1] - (up - down) / (2 * eps)) <= 1e-8);
    }
}

// A number in the input under `mean`: mean reads its argument again for its count, renumbered, so
// the loss holds a second copy of the repeat, read for its extents only. That copy runs neither
// way, and the gradients are the unrolled network's.
BOOST_AUTO_TEST_CASE(a_number_in_the_input_under_mean) {
    residual_net<double> m(5, 3, 3, 43);
    auto X = tl::param<"x">(m.x);
    auto W = tl::params<"w">(m.w);
    auto B = tl::params<"b">(m.b);
    auto step = tl::compile(tl::mean(tl::softplus(tl::repeat(residual, 0.5 * X, W, B))), X, W, B);
    step();
    BOOST_TEST(tl::explain(step).find("repeat x3") != std::string::npos);

    auto W0 = tl::param<"w0">(m.w[0]);
    auto W1 = tl::param<"w1">(m.w[1]);
    auto W2 = tl::param<"w2">(m.w[2]);
    auto B0 = tl::param<"b0">(m.b[0]);
    auto B1 = tl::param<"b1">(m.b[1]);
    auto B2 = tl::param<"b2">(m.b[2]);
    auto h = residual(residual(residual(0.5 * X, W0, B0), W1, B1), W2, B2);
    auto r = tl::compile(tl::mean(tl::softplus(h)), X, W0, W1, W2, B0, B1, B2);
    r();
    auto close = [](auto const& a, auto const& b) {
        double e = 0;
        for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, std::abs(a.data()[i] - b.data()[i]));
        return e;
    };
    BOOST_TEST(std::abs(step.value() - r.value()) <= 1e-12);
    BOOST_TEST(close(step.grad(X), r.grad(X)) <= 1e-12);
    BOOST_TEST(close(step.grad(W)[0], r.grad(W0)) <= 1e-12);
    BOOST_TEST(close(step.grad(W)[2], r.grad(W2)) <= 1e-12);
    BOOST_TEST(close(step.grad(B)[1], r.grad(B1)) <= 1e-12);
}

// The input an expression of parameters, two repeats of different blocks one after the other, a
// block with one stack, and float: every gradient against the unrolled network.
BOOST_AUTO_TEST_CASE(an_expression_in_two_repeats_out) {
    std::size_t const n = 5, d = 4;
    tl::test::rng g(41);
    tl::Tensor<float> x(n, 3), w0(3, d), b0(1, d), wo(d, 1), y(n, 1);
    for (auto* t : {&x, &w0, &b0, &wo, &y}) tl::test::fill_uniform(*t, g);
    std::vector<tl::Tensor<float>> v(2, tl::Tensor<float>(d, d)), c(2, tl::Tensor<float>(1, d)), u(3, tl::Tensor<float>(d, d));
    for (auto& t : v) tl::test::fill_uniform(t, g, -0.5, 0.5);
    for (auto& t : c) tl::test::fill_uniform(t, g, -0.5, 0.5);
    for (auto& t : u) tl::test::fill_uniform(t, g, -0.5, 0.5);
    auto X = tl::input<"x">(x);
    auto W0 = tl::param<"w0">(w0);
    auto B0 = tl::param<"b0">(b0);
    auto Wo = tl::param<"wo">(wo);
    auto Y = tl::input<"y">(y);
    auto V = tl::params<"v">(v);
    auto C = tl::params<"c">(c);
    auto U = tl::params<"u">(u);
    auto gated = [](auto const& h, auto const& ui) { return h * tl::sigmoid(tl::matmul(h, ui)); };
    auto h0 = tl::tanh(tl::lin(X, W0, B0));
    auto loss = tl::mse(tl::matmul(tl::repeat(gated, tl::repeat(residual, h0, V, C), U), Wo), Y);
    auto step = tl::compile(loss, W0, B0, Wo, V, C, U);
    step();

    auto V0 = tl::param<"v0">(v[0]);
    auto V1 = tl::param<"v1">(v[1]);
    auto C0 = tl::param<"c0">(c[0]);
    auto C1 = tl::param<"c1">(c[1]);
    auto U0 = tl::param<"u0">(u[0]);
    auto U1 = tl::param<"u1">(u[1]);
    auto U2 = tl::param<"u2">(u[2]);
    auto h2 = residual(residual(h0, V0, C0), V1, C1);
    auto unrolled = tl::mse(tl::matmul(gated(gated(gated(h2, U0), U1), U2), Wo), Y);
    auto r = tl::compile(unrolled, W0, B0, Wo, V0, C0, V1, C1, U0, U1, U2);
    r();

    auto close = [](auto const& a, auto const& b) {
        double e = 0;
        for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, double(std::abs(a.data()[i] - b.data()[i])));
        return e;
    };
    BOOST_TEST(std::abs(step.value() - r.value()) <= 1e-6f);
    BOOST_TEST(close(step.grad(W0), r.grad(W0)) <= 1e-6);
    BOOST_TEST(close(step.grad(B0), r.grad(B0)) <= 1e-6);
    BOOST_TEST(close(step.grad(Wo), r.grad(Wo)) <= 1e-6);
    BOOST_TEST(close(step.grad(V)[0], r.grad(V0)) <= 1e-6);
    BOOST_TEST(close(step.grad(V)[1], r.grad(V1)) <= 1e-6);
    BOOST_TEST(close(step.grad(C)[1], r.grad(C1)) <= 1e-6);
    BOOST_TEST(close(step.grad(U)[0], r.grad(U0)) <= 1e-6);
    BOOST_TEST(close(step.grad(U)[2], r.grad(U2)) <= 1e-6);
}

BOOST_AUTO_TEST_SUITE_END()
