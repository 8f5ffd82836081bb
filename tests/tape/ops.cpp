// Every op of tapeless::tape against central finite differences in double, with broadcasting
// variants. A fixed random weight r turns any output into the scalar sum(out ⊙ r), which exercises
// the whole Jacobian rather than its column sums (sum(softmax(x)) alone would be constant).
#include "support/gradcheck.hpp"
#include "support/random.hpp"

#include <tapeless/tape/all.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <functional>
#include <numbers>
#include <optional>
#include <vector>

namespace tl = tapeless;
namespace tp = tapeless::tape;
using tl::test::numerical_gradient;
using tl::test::relative_error;
using vars = std::vector<tp::var<double>>;

namespace {

tl::Tensor<double> rnd(std::size_t r, std::size_t c, std::uint64_t seed, double lo = -1, double hi = 1) {
    return tl::test::random_uniform<double>(r, c, seed, lo, hi);
}
// Uniform in ±[0.1, 1.1): away from the kinks of relu, abs, and the pole of 1/x.
tl::Tensor<double> away(std::size_t r, std::size_t c, std::uint64_t seed) {
    auto t = rnd(r, c, seed);
    for (std::size_t k = 0; k < t.size(); ++k) t.data()[k] += t.data()[k] < 0 ? -0.1 : 0.1;
    return t;
}

//! Checks d sum(build(params) ⊙ r) / d p for every tensor p against central differences. Every
//! tensor is a param unless listed in `inputs` (by position), which become inputs.
void check(std::function<tp::var<double>(vars const&)> const& build, std::vector<tl::Tensor<double>*> ts,
           double tolerance = 1e-6, std::vector<bool> inputs = {}) {
    inputs.resize(ts.size(), false);
    tp::tape<double> t;
    std::optional<tl::Tensor<double>> r;
    auto run = [&](bool backward) {
        t.clear();
        vars v;
        for (std::size_t k = 0; k < ts.size(); ++k) v.push_back(inputs[k] ? t.input(*ts[k]) : t.param(*ts[k]));
        auto out = build(v);
        if (!r) r = rnd(out.rows(), out.cols(), 977);
        auto loss = tp::sum(out * t.input(*r));
        if (backward) t.backward(loss);
        return std::pair{loss.item(), v};
    };
    auto [value, v] = run(true);
    BOOST_TEST(std::isfinite(value));
    std::vector<tl::Tensor<double>> grads;
    for (std::size_t k = 0; k < ts.size(); ++k) {
        if (inputs[k]) {
            grads.emplace_back();
            continue;
        }
        auto g = t.grad(v[k]);
        tl::Tensor<double> copy(g.rows(), g.cols());
        std::copy_n(g.data(), g.size(), copy.data());
        grads.push_back(std::move(copy));
    }
    for (std::size_t k = 0; k < ts.size(); ++k) {
        if (inputs[k]) continue;
        auto numeric = numerical_gradient([&] { return run(false).first; }, *ts[k]);
        BOOST_TEST_CONTEXT("gradient of operand " << k) { BOOST_TEST(relative_error(grads[k], numeric) < tolerance); }
    }
}

// Moves a's entries at least 0.05 away from b's (broadcast to a's shape), so max/min are smooth there.
void separate(tl::Tensor<double>& a, tl::Tensor<double> const& b) {
    for (std::size_t i = 0; i < a.rows(); ++i)
        for (std::size_t j = 0; j < a.cols(); ++j) {
            double const bv = b(b.rows() == 1 ? 0 : i, b.cols() == 1 ? 0 : j);
            if (std::abs(a(i, j) - bv) < 0.05) a(i, j) = bv + 0.1;
        }
}

struct shape_pair {
    std::size_t ra, ca, rb, cb;
};
// Same shape, row vector, column vector, scalar, each on either side, and row x column (outer).
constexpr shape_pair broadcasts[] = {{4, 5, 4, 5}, {4, 5, 1, 5}, {1, 5, 4, 5}, {4, 5, 4, 1}, {4, 1, 4, 5},
                                     {4, 5, 1, 1}, {1, 1, 4, 5}, {1, 5, 4, 1}, {4, 1, 1, 5}, {1, 1, 1, 1}};

} // namespace

BOOST_AUTO_TEST_SUITE(tape_ops)

BOOST_AUTO_TEST_CASE(add_sub_mul_div_broadcasting) {
    std::uint64_t seed = 10;
    for (auto s : broadcasts) {
        BOOST_TEST_CONTEXT(s.ra << "x" << s.ca << " with " << s.rb << "x" << s.cb) {
            auto a = rnd(s.ra, s.ca, ++seed), b = rnd(s.rb, s.cb, ++seed);
            auto d = rnd(s.rb, s.cb, ++seed, 0.5, 2.0); // a divisor away from 0
            check([](vars const& v) { return v[0] + v[1]; }, {&a, &b});
            check([](vars const& v) { return v[0] - v[1]; }, {&a, &b});
            check([](vars const& v) { return v[0] * v[1]; }, {&a, &b});
            check([](vars const& v) { return v[0] / v[1]; }, {&a, &d});
            check([](vars const& v) { return tp::add(tp::sub(v[0], v[1]), tp::mul(v[0], v[1])); }, {&a, &b});
            // One operand an input: only the other gets an adjoint.
            check([](vars const& v) { return v[0] * v[1]; }, {&a, &b}, 1e-6, {false, true});
            check([](vars const& v) { return v[0] / v[1]; }, {&a, &d}, 1e-6, {true, false});
        }
    }
}

BOOST_AUTO_TEST_CASE(max_min_broadcasting) {
    std::uint64_t seed = 40;
    for (auto s : broadcasts) {
        if (s.ra * s.ca < s.rb * s.cb) continue; // separate() moves a; keep a the larger operand
        BOOST_TEST_CONTEXT(s.ra << "x" << s.ca << " with " << s.rb << "x" << s.cb) {
            auto a = rnd(s.ra, s.ca, ++seed), b = rnd(s.rb, s.cb, ++seed);
            separate(a, b);
            check([](vars const& v) { return tp::max(v[0], v[1]); }, {&a, &b});
            check([](vars const& v) { return tp::min(v[0], v[1]); }, {&a, &b});
            check([](vars const& v) { return tp::max(v[1], v[0]); }, {&a, &b});
            check([](vars const& v) { return tp::min(v[1], v[0]); }, {&a, &b});
        }
    }
}

BOOST_AUTO_TEST_CASE(same_var_on_both_sides_and_fan_out) {
    auto a = rnd(3, 4, 50), p = rnd(3, 4, 51, 0.5, 2.0);
    check([](vars const& v) { return v[0] * v[0]; }, {&a});
    check([](vars const& v) { return v[0] / v[0] + v[0] - v[0] * 2.0; }, {&p});
    check([](vars const& v) { return tp::exp(v[0]) * v[0] + tp::tanh(v[0]) - tp::square(v[0]); }, {&a});
    // x used by a product and an elementwise op, each reading it differently.
    check([](vars const& v) { return tp::matmul(v[0], tp::transpose(v[0])) + tp::sum(v[0]); }, {&a});
}

BOOST_AUTO_TEST_CASE(plain_numbers) {
    auto x = away(3, 4, 60);
    check([](vars const& v) { return v[0] + 2.5; }, {&x});
    check([](vars const& v) { return 2.5 + v[0]; }, {&x});
    check([](vars const& v) { return v[0] - 2; }, {&x});
    check([](vars const& v) { return 2 - v[0]; }, {&x});
    check([](vars const& v) { return v[0] * 3.0f; }, {&x});
    check([](vars const& v) { return -3 * v[0]; }, {&x});
    check([](vars const& v) { return v[0] / 4.0; }, {&x});
    check([](vars const& v) { return 4.0 / v[0]; }, {&x});
    check([](vars const& v) { return -v[0]; }, {&x});
    check([](vars const& v) { return tp::neg(v[0]); }, {&x});
}

BOOST_AUTO_TEST_CASE(unary) {
    auto x = away(4, 3, 70), pos = rnd(4, 3, 71, 0.2, 2.0);
    check([](vars const& v) { return tp::relu(v[0]); }, {&x});
    check([](vars const& v) { return tp::leaky_relu(v[0], 0.1); }, {&x});
    check([](vars const& v) { return tp::square(v[0]); }, {&x});
    check([](vars const& v) { return tp::exp(v[0]); }, {&x});
    check([](vars const& v) { return tp::log(v[0]); }, {&pos});
    check([](vars const& v) { return tp::sqrt(v[0]); }, {&pos});
    check([](vars const& v) { return tp::abs(v[0]); }, {&x});
    check([](vars const& v) { return tp::tanh(v[0]); }, {&x});
    check([](vars const& v) { return tp::sigmoid(v[0]); }, {&x});
    check([](vars const& v) { return tp::softplus(v[0]); }, {&x});
    check([](vars const& v) { return tp::gelu(v[0]); }, {&x});
    check([](vars const& v) { return tp::log1p(v[0]); }, {&pos});
    check([](vars const& v) { return tp::pow(v[0], 3); }, {&x});
    check([](vars const& v) { return tp::pow(v[0], 2.5); }, {&pos});
    check([](vars const& v) { return tp::pow(v[0], -1.5); }, {&pos});
    // Bounds away from every element of x (|x| in [0.1, 1.1)): some clamped on each side, some not.
    check([](vars const& v) { return tp::clamp(v[0], -0.55, 0.45); }, {&x});
    auto big = rnd(4, 3, 72, -8, 8);
    check([](vars const& v) { return tp::sigmoid(v[0]) + tp::softplus(v[0]) + tp::tanh(v[0]); }, {&big});
    check([](vars const& v) { return tp::gelu(v[0]); }, {&big});
    auto above_minus_one = rnd(4, 3, 73, -0.9, 30);
    check([](vars const& v) { return tp::log1p(v[0]); }, {&above_minus_one});
}

BOOST_AUTO_TEST_CASE(unary_values) {
    tl::Tensor<double> x{{-2.0, -0.5, 0.25, 3.0}};
    tp::tape<double> t;
    auto X = t.input(x);
    auto at = [](tp::var<double> const& v, std::size_t j) { return v.value()(0, j); };
    for (std::size_t j = 0; j < 4; ++j) {
        double const xj = x(0, j);
        BOOST_TEST(at(tp::relu(X), j) == std::max(xj, 0.0));
        BOOST_TEST(at(tp::leaky_relu(X, 0.1), j) == (xj > 0 ? xj : 0.1 * xj));
        BOOST_TEST(at(tp::abs(X), j) == std::abs(xj));
        BOOST_TEST(at(tp::exp(X), j) == std::exp(xj));
        BOOST_TEST(at(tp::tanh(X), j) == std::tanh(xj));
        BOOST_TEST(std::abs(at(tp::sigmoid(X), j) - 1 / (1 + std::exp(-xj))) < 1e-16);
        BOOST_TEST(std::abs(at(tp::softplus(X), j) - std::log(1 + std::exp(xj))) < 1e-15);
        double const u = std::sqrt(2 / std::numbers::pi) * (xj + 0.044715 * xj * xj * xj);
        BOOST_TEST(std::abs(at(tp::gelu(X), j) - 0.5 * xj * (1 + std::tanh(u))) < 1e-15);
        if (xj > -1) {
            BOOST_TEST(at(tp::log1p(X), j) == std::log1p(xj));
        }
        BOOST_TEST(at(tp::clamp(X, -1, 1), j) == std::min(std::max(xj, -1.0), 1.0));
        BOOST_TEST(at(tp::pow(X, 2), j) == xj * xj);
        BOOST_TEST(at(2.0 - X, j) == 2.0 - xj);
        BOOST_TEST(at(2.0 / X, j) == 2.0 / xj);
    }
}

BOOST_AUTO_TEST_CASE(matmul_and_transposes) {
    auto a = rnd(4, 3, 80), b = rnd(3, 5, 81), at = rnd(3, 4, 82), bt = rnd(5, 3, 83);
    check([](vars const& v) { return tp::matmul(v[0], v[1]); }, {&a, &b});
    check([](vars const& v) { return tp::matmul(tp::transpose(v[0]), v[1]); }, {&at, &b});
    check([](vars const& v) { return tp::matmul(v[0], tp::transpose(v[1])); }, {&a, &bt});
    check([](vars const& v) { return tp::matmul(tp::transpose(v[0]), tp::transpose(v[1])); }, {&at, &bt});
    check([](vars const& v) { return tp::matmul(tp::transpose(v[0]), v[0]); }, {&a}); // Gram matrix, one var
    check([](vars const& v) { return tp::matmul(v[0], tp::transpose(v[0])); }, {&a});
    check([](vars const& v) { return tp::matmul(v[0], v[1]); }, {&a, &b}, 1e-6, {true, false});
    check([](vars const& v) { return tp::matmul(v[0], v[1]); }, {&a, &b}, 1e-6, {false, true});
    // A transpose that something other than matmul reads is materialised, and its adjoint flows back.
    check([](vars const& v) { return tp::transpose(v[0]) * v[1]; }, {&a, &at});
    check([](vars const& v) { return tp::transpose(tp::transpose(v[0])) + tp::exp(v[0]); }, {&a});
    auto row = rnd(1, 4, 84), col = rnd(4, 1, 85);
    check([](vars const& v) { return tp::transpose(v[0]) * v[1]; }, {&row, &col}); // vectors: no copy
    // Both the folded (matmul) and the materialised (mul) reading of one transpose.
    auto c = rnd(4, 5, 86);
    check(
        [](vars const& v) {
            auto t = tp::transpose(v[0]);
            return tp::matmul(t, v[1]) + tp::sum(t * v[2]);
        },
        {&a, &c, &at});
}

BOOST_AUTO_TEST_CASE(matmul_folds_transposes) {
    auto a = rnd(3, 4, 90), b = rnd(3, 5, 91);
    tp::tape<double> t;
    auto A = t.param(a);
    auto At = tp::transpose(A);
    auto C = tp::matmul(At, t.input(b));
    BOOST_TEST(t.node_of(At).value == nullptr); // never copied
    BOOST_TEST(t.node_of(C).ta);
    BOOST_TEST(t.node_of(C).in[0] == A.index());
    BOOST_TEST(tp::transpose(At).index() == A.index());
    auto v = At.value(); // reading it makes it
    BOOST_TEST(v(2, 1) == a(1, 2));
    // The product itself.
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 5; ++j) {
            double s = 0;
            for (std::size_t k = 0; k < 3; ++k) s += a(k, i) * b(k, j);
            BOOST_TEST(std::abs(C.value()(i, j) - s) < 1e-14);
        }
}

BOOST_AUTO_TEST_CASE(lin_with_every_bias_shape) {
    auto x = rnd(6, 4, 100), w = rnd(4, 3, 101), wt = rnd(3, 4, 102);
    for (auto [r, c] : {std::pair<std::size_t, std::size_t>{1, 3}, {6, 1}, {1, 1}, {6, 3}}) {
        BOOST_TEST_CONTEXT("bias " << r << "x" << c) {
            auto b = rnd(r, c, 103 + r + c);
            check([](vars const& v) { return tp::lin(v[0], v[1], v[2]); }, {&x, &w, &b});
            check([](vars const& v) { return tp::lin(v[0], tp::transpose(v[1]), v[2]); }, {&x, &wt, &b});
            check([](vars const& v) { return tp::relu(tp::lin(v[0], v[1], v[2])); }, {&x, &w, &b}, 1e-6,
                  {true, false, false});
        }
    }
}

BOOST_AUTO_TEST_CASE(reductions) {
    auto x = rnd(5, 7, 110), row = rnd(1, 7, 111), col = rnd(5, 1, 112), big = rnd(3, 37, 113);
    for (auto* p : {&x, &row, &col, &big}) {
        check([](vars const& v) { return tp::sum(v[0]); }, {p});
        check([](vars const& v) { return tp::mean(v[0]); }, {p});
        check([](vars const& v) { return tp::sum_rows(v[0]); }, {p});
        check([](vars const& v) { return tp::sum_cols(v[0]); }, {p});
        check([](vars const& v) { return tp::mean_rows(v[0]); }, {p});
        check([](vars const& v) { return tp::mean_cols(v[0]); }, {p});
    }
    tp::tape<double> t;
    auto X = t.input(x);
    double total = 0;
    for (std::size_t k = 0; k < x.size(); ++k) total += x.data()[k];
    BOOST_TEST(std::abs(tp::sum(X).item() - total) < 1e-13);
    BOOST_TEST(std::abs(tp::mean(X).item() - total / 35) < 1e-14);
    BOOST_TEST((tp::sum_rows(X).shape() == tl::shape{5, 1}));
    BOOST_TEST((tp::mean_cols(X).shape() == tl::shape{1, 7}));
    BOOST_TEST(std::abs(tp::mean_cols(X).value()(0, 2) -
                        (x(0, 2) + x(1, 2) + x(2, 2) + x(3, 2) + x(4, 2)) / 5) < 1e-15);
}

BOOST_AUTO_TEST_CASE(losses_and_normalisations) {
    auto p = rnd(6, 3, 120), y = rnd(6, 3, 121), logits = rnd(6, 4, 122, -3, 3);
    auto probs = rnd(6, 4, 123, 0.1, 1.0); // not normalised: the rule must not assume Σ t = 1
    check([](vars const& v) { return tp::mse(v[0], v[1]); }, {&p, &y});
    check([](vars const& v) { return tp::l2(v[0]); }, {&p});
    check([](vars const& v) { return tp::log_softmax(v[0]); }, {&logits});
    check([](vars const& v) { return tp::softmax(v[0]); }, {&logits});
    check([](vars const& v) { return tp::softmax(tp::transpose(v[0])); }, {&logits});
    std::vector<int> labels{0, 3, 1, 2, 3, 0};
    check([&](vars const& v) { return tp::cross_entropy(v[0], labels); }, {&logits});
    tl::Tensor<double> label_tensor{{0}, {3}, {1}, {2}, {3}, {0}};
    check([&](vars const& v) { return tp::cross_entropy(v[0], label_tensor); }, {&logits});
    check([](vars const& v) { return tp::cross_entropy(v[0], v[1]); }, {&logits, &probs});
    check([](vars const& v) { return tp::cross_entropy(v[0], tp::softmax(v[1])); }, {&logits, &probs});
    auto bl = rnd(5, 2, 124, -4, 4), bt = rnd(5, 2, 125, 0, 1);
    check([](vars const& v) { return tp::binary_cross_entropy_with_logits(v[0], v[1]); }, {&bl, &bt});
    // A deeper composition: the softmax-regression step.
    auto x = rnd(6, 5, 126), w = rnd(5, 4, 127), b = rnd(1, 4, 128);
    check([&](vars const& v) { return tp::cross_entropy(tp::lin(v[0], v[1], v[2]), labels) + 0.01 * tp::l2(v[1]); },
          {&x, &w, &b}, 1e-6, {true, false, false});
}

BOOST_AUTO_TEST_CASE(loss_values) {
    tl::Tensor<double> logits{{1.0, 2.0, 0.5}, {-1.0, 0.0, 3.0}}, onehot{{0, 1, 0}, {0, 0, 1}};
    tp::tape<double> t;
    auto X = t.input(logits);
    auto lse = [&](std::size_t i) {
        return std::log(std::exp(logits(i, 0)) + std::exp(logits(i, 1)) + std::exp(logits(i, 2)));
    };
    double const expected = -((2.0 - lse(0)) + (3.0 - lse(1))) / 2;
    std::vector<int> labels{1, 2};
    BOOST_TEST(std::abs(tp::cross_entropy(X, labels).item() - expected) < 1e-15);
    BOOST_TEST(std::abs(tp::cross_entropy(X, t.input(onehot)).item() - expected) < 1e-15);
    BOOST_TEST(std::abs(tp::log_softmax(X).value()(1, 0) - (-1.0 - lse(1))) < 1e-15);
    BOOST_TEST(std::abs(tp::softmax(X).value()(0, 2) - std::exp(0.5 - lse(0))) < 1e-16);
    double bce = 0;
    for (std::size_t k = 0; k < 6; ++k) {
        double const x = logits.data()[k], y = onehot.data()[k];
        bce += -(y * std::log(1 / (1 + std::exp(-x))) + (1 - y) * std::log(1 - 1 / (1 + std::exp(-x))));
    }
    BOOST_TEST(std::abs(tp::binary_cross_entropy_with_logits(X, t.input(onehot)).item() - bce / 6) < 1e-15);
    BOOST_TEST(std::abs(tp::mse(X, t.input(onehot)).item() - 7.25 / 6) < 1e-15);
}

BOOST_AUTO_TEST_SUITE_END()
