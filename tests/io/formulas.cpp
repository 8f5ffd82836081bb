// Derived gradients printed as formulas (to_string, to_latex): the seed's five gradients as the
// seed writes them, three other models, every op's form, forward expressions, and a deep network
// whose gradient prints in length linear in its depth.
#include "support/random.hpp"
#include "support/seed_reference.hpp"

#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <tuple>
#include <utility>

namespace tl = tapeless;

namespace {

// The seed network with runtime extents: x n x d, y n x o, w1 d x h, b1 1 x h, w2 h x o, b2 1 x o.
struct seed {
    tl::Tensor<double> x, y, w1, b1, w2, b2;
    seed(std::size_t n, std::size_t d, std::size_t h, std::size_t o)
        : x(n, d), y(n, o), w1(d, h), b1(1, h), w2(h, o), b2(1, o) {
        std::uint64_t s = 11;
        for (auto* t : {&x, &y, &w1, &b1, &w2, &b2}) tl::test::fill_uniform(*t, s++);
    }
    auto loss() const {
        return tl::mse(tl::lin(tl::relu(tl::lin(tl::param<"x">(x), tl::param<"w1">(w1), tl::param<"b1">(b1))),
                               tl::param<"w2">(w2), tl::param<"b2">(b2)),
                       tl::input<"y">(y));
    }
};

// Plain dense matrices for transcribing printed formulas by hand.
using mat = tl::Tensor<double>;
mat product(mat const& a, mat const& b) {
    mat c(a.rows(), b.cols());
    for (std::size_t i = 0; i < a.rows(); ++i)
        for (std::size_t j = 0; j < b.cols(); ++j) {
            double s = 0;
            for (std::size_t k = 0; k < a.cols(); ++k) s += a(i, k) * b(k, j);
            c(i, j) = s;
        }
    return c;
}
mat transposed(mat const& a) {
    mat t(a.cols(), a.rows());
    for (std::size_t i = 0; i < a.rows(); ++i)
        for (std::size_t j = 0; j < a.cols(); ++j) t(j, i) = a(i, j);
    return t;
}
template <class F>
mat map(mat a, F f) { // a_ij = f(i, j, a_ij)
    for (std::size_t i = 0; i < a.rows(); ++i)
        for (std::size_t j = 0; j < a.cols(); ++j) a(i, j) = f(i, j, a(i, j));
    return a;
}
mat column_sum(mat const& a) { // Σᵢ
    mat s(1, a.cols());
    for (std::size_t j = 0; j < a.cols(); ++j) {
        s(0, j) = 0;
        for (std::size_t i = 0; i < a.rows(); ++i) s(0, j) += a(i, j);
    }
    return s;
}
double max_difference(mat const& a, mat const& b) {
    BOOST_TEST_REQUIRE(a.rows() == b.rows());
    BOOST_TEST_REQUIRE(a.cols() == b.cols());
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a.data()[i] - b.data()[i]));
    return m;
}

} // namespace

BOOST_AUTO_TEST_SUITE(io_formulas)

// How each line maps to the seed's answers (backpropagation-explained.md, "Answers"): the seed
// writes u1 = x·w1 + b1, the output error relu(u1)·w2 + b2 - y (here u2: named because the
// formula reads it twice, once in the product and once in N = size(u2), the element count of the
// mean), 2/N for the mse's derivative, and its case split {0 if u1 ≤ 0, ... if u1 > 0} is the
// indicator 𝟙[u1 > 0] (relu's derivative). The seed's Σᵢ over samples with x_iᵀ on the right is
// the matrix product xᵀ·(...) for w1 and the column sum Σᵢ(...) for b1; for x it is ...·w1ᵀ (the
// seed's w2ᵀ·w1ᵀ, with the case split between them); for w2 the seed's Σᵢ (error)·max(0, u1) is
// relu(...)ᵀ·((2/N) error); for b2 the seed's (2/N) Σᵢ (error) is Σᵢ((2/N)u1).
BOOST_AUTO_TEST_CASE(seed_gradients_read_like_the_seed) {
    seed s(6, 4, 3, 2);
    auto [gw1, gb1, gx, gw2, gb2] = tl::grad(s.loss(), tl::param<"w1">(s.w1), tl::param<"b1">(s.b1),
                                             tl::param<"x">(s.x), tl::param<"w2">(s.w2), tl::param<"b2">(s.b2));
    std::string const first_layer_defs = "\n"
                                         "  where u1 = x·w1 + b1\n"
                                         "        u2 = relu(u1)·w2 + b2 - y\n"
                                         "        N = size(u2)";
    BOOST_TEST(tl::to_string(gw1) == "xᵀ·((2/N)u2·w2ᵀ ⊙ 𝟙[u1 > 0])" + first_layer_defs);
    BOOST_TEST(tl::to_string(gb1) == "Σᵢ((2/N)u2·w2ᵀ ⊙ 𝟙[u1 > 0])" + first_layer_defs);
    BOOST_TEST(tl::to_string(gx) == "((2/N)u2·w2ᵀ ⊙ 𝟙[u1 > 0])·w1ᵀ" + first_layer_defs);
    BOOST_TEST(tl::to_string(gw2) == "u1ᵀ·((2/N)u2)\n"
                                     "  where u1 = relu(x·w1 + b1)\n"
                                     "        u2 = u1·w2 + b2 - y\n"
                                     "        N = size(u2)");
    BOOST_TEST(tl::to_string(gb2) == "Σᵢ((2/N)u1)\n"
                                     "  where u1 = relu(x·w1 + b1)·w2 + b2 - y\n"
                                     "        N = size(u1)");

    std::string const first_layer_latex =
        " \\quad\\text{where}\\quad \\begin{aligned} u_{1} &= x \\cdot w_{1} + b_{1} \\\\ u_{2} &= "
        "\\operatorname{relu}(u_{1}) \\cdot w_{2} + b_{2} - y \\\\ N &= \\operatorname{size}(u_{2}) \\end{aligned}";
    BOOST_TEST(tl::to_latex(gw1) ==
               "x^\\top \\cdot (\\frac{2}{N} u_{2} \\cdot w_{2}^\\top \\odot \\mathbb{1}[u_{1} > 0])" + first_layer_latex);
    BOOST_TEST(tl::to_latex(gb1) ==
               "\\sum_i(\\frac{2}{N} u_{2} \\cdot w_{2}^\\top \\odot \\mathbb{1}[u_{1} > 0])" + first_layer_latex);
    BOOST_TEST(tl::to_latex(gx) ==
               "(\\frac{2}{N} u_{2} \\cdot w_{2}^\\top \\odot \\mathbb{1}[u_{1} > 0]) \\cdot w_{1}^\\top" + first_layer_latex);
    BOOST_TEST(tl::to_latex(gw2) == "u_{1}^\\top \\cdot (\\frac{2}{N} u_{2}) \\quad\\text{where}\\quad \\begin{aligned} u_{1} "
                                    "&= \\operatorname{relu}(x \\cdot w_{1} + b_{1}) \\\\ u_{2} &= u_{1} \\cdot w_{2} + b_{2} - "
                                    "y \\\\ N &= \\operatorname{size}(u_{2}) \\end{aligned}");
    BOOST_TEST(tl::to_latex(gb2) == "\\sum_i(\\frac{2}{N} u_{1}) \\quad\\text{where}\\quad \\begin{aligned} u_{1} &= "
                                    "\\operatorname{relu}(x \\cdot w_{1} + b_{1}) \\cdot w_{2} + b_{2} - y \\\\ N &= "
                                    "\\operatorname{size}(u_{1}) \\end{aligned}");
}

// The printed formulas, transcribed by hand into loops, against the seed's closed forms: the text
// is right, not only stable.
BOOST_AUTO_TEST_CASE(seed_formulas_compute_the_seed_gradients) {
    seed s(7, 4, 5, 2);
    auto ref = tl::test::seed_reference(s.x, s.y, s.w1, s.b1, s.w2, s.b2);
    mat u1 = map(product(s.x, s.w1), [&](std::size_t, std::size_t j, double v) { return v + s.b1(0, j); });
    mat relu_u1 = map(u1, [](std::size_t, std::size_t, double v) { return v > 0 ? v : 0.0; });
    mat u2 = map(product(relu_u1, s.w2), [&](std::size_t i, std::size_t j, double v) { return v + s.b2(0, j) - s.y(i, j); });
    double const N = double(u2.size());
    mat scaled = map(u2, [&](std::size_t, std::size_t, double v) { return 2 / N * v; }); // (2/N)u2
    mat inner = map(product(scaled, transposed(s.w2)),                                    // (2/N)u2·w2ᵀ ⊙ 𝟙[u1 > 0]
                    [&](std::size_t i, std::size_t j, double v) { return u1(i, j) > 0 ? v : 0.0; });
    BOOST_TEST(max_difference(product(transposed(s.x), inner), ref.w1) < 1e-12);
    BOOST_TEST(max_difference(column_sum(inner), ref.b1) < 1e-12);
    BOOST_TEST(max_difference(product(inner, transposed(s.w1)), ref.x) < 1e-12);
    BOOST_TEST(max_difference(product(transposed(relu_u1), scaled), ref.w2) < 1e-12);
    BOOST_TEST(max_difference(column_sum(scaled), ref.b2) < 1e-12);
}

// From the type alone the extents are unknown: a sum that may or may not reduce says what it sums
// to, and definitions are the same.
BOOST_AUTO_TEST_CASE(types_alone_print_what_static_shapes_tell) {
    seed s(6, 4, 3, 2);
    auto gb1 = tl::grad(s.loss(), tl::param<"b1">(s.b1));
    BOOST_TEST(tl::to_string<decltype(gb1)>() == "sum_to(sum_to((2/N)u2, relu(u1)·w2)·w2ᵀ ⊙ 𝟙[u1 > 0], b1)\n"
                                                 "  where u1 = x·w1 + b1\n"
                                                 "        u2 = relu(u1)·w2 + b2 - y\n"
                                                 "        N = size(u2)");
    // Static extents decide: b1 is a row, so its gradient is a column sum.
    tl::Tensor<double, 6, 4> x;
    tl::Tensor<double, 4, 3> w1;
    tl::Tensor<double, 1, 3> b1;
    auto z = tl::sum(tl::relu(tl::lin(tl::input<"x">(x), tl::param<"w1">(w1), tl::param<"b1">(b1))));
    BOOST_TEST(tl::to_string<decltype(tl::grad(z, tl::param<"b1">(b1)))>() == "Σᵢ(𝟙[x·w1 + b1 > 0])");
}

// Softmax cross-entropy, ∂/∂z = (softmax(z) - onehot)/N: u6 = -(1/N)·onehot is the adjoint of the
// log-probabilities, Σⱼ(-u6)/u5 ⊙ u4 = (1/N)·softmax (u4 = e^{z - max}, u5 its row sums; Σⱼ of a
// one-hot row is 1), so the sum is (softmax - onehot)/N; N = rows(u1) is the batch size.
BOOST_AUTO_TEST_CASE(classifier_with_softmax_cross_entropy) {
    tl::Tensor<double> x(6, 4), w(4, 3), b(1, 3), labels(6, 1);
    auto W = tl::param<"w">(w);
    auto B = tl::param<"b">(b);
    auto loss = tl::cross_entropy(tl::lin(tl::input<"x">(x), W, B), tl::input<"labels">(labels));
    BOOST_TEST(tl::to_string(loss) == "-(1/N)Σᵢ(u3)\n"
                                      "  where u1 = x·w + b\n"
                                      "        u2 = stop_gradient(maxⱼ(u1))\n"
                                      "        u3 = Σⱼ((u1 - (u2 + log(Σⱼ(exp(u1 - u2))))) ⊙ 𝟙[j = labels])\n"
                                      "        N = rows(u3)");
    auto [gw, gb] = tl::grad(loss, W, B);
    std::string const defs = "\n"
                             "  where u1 = x·w + b\n"
                             "        u2 = 𝟙[j = labels]\n"
                             "        u3 = stop_gradient(maxⱼ(u1))\n"
                             "        u4 = exp(u1 - u3)\n"
                             "        u5 = Σⱼ(u4)\n"
                             "        u6 = -(1/N)u2\n"
                             "        N = rows(u1)";
    BOOST_TEST(tl::to_string(gw) == "xᵀ·(Σⱼ(-u6)/u5 ⊙ u4 + u6)" + defs);
    BOOST_TEST(tl::to_string(gb) == "Σᵢ(Σⱼ(-u6)/u5 ⊙ u4 + u6)" + defs);
    std::string const latex_defs =
        " \\quad\\text{where}\\quad \\begin{aligned} u_{1} &= x \\cdot w + b \\\\ u_{2} &= \\mathbb{1}[j = \\mathrm{labels}] "
        "\\\\ u_{3} &= \\operatorname{stop\\_gradient}(\\max_j(u_{1})) \\\\ u_{4} &= \\exp(u_{1} - u_{3}) \\\\ u_{5} &= "
        "\\sum_j(u_{4}) \\\\ u_{6} &= -\\frac{1}{N} u_{2} \\\\ N &= \\operatorname{rows}(u_{1}) \\end{aligned}";
    BOOST_TEST(tl::to_latex(gw) == "x^\\top \\cdot (\\frac{\\sum_j(-u_{6})}{u_{5}} \\odot u_{4} + u_{6})" + latex_defs);
    BOOST_TEST(tl::to_latex(gb) == "\\sum_i(\\frac{\\sum_j(-u_{6})}{u_{5}} \\odot u_{4} + u_{6})" + latex_defs);
}

// tanh' = 1 - tanh², and the penalty 0.001·Σ w1² adds 2·0.001·w1; the runtime scalar prints as
// its value.
BOOST_AUTO_TEST_CASE(tanh_network_with_l2_penalty) {
    tl::Tensor<double> x(6, 4), w1(4, 3), b1(1, 3), v(3, 1), y(6, 1);
    auto W1 = tl::param<"w1">(w1);
    auto loss = tl::mse(tl::matmul(tl::tanh(tl::lin(tl::input<"x">(x), W1, tl::param<"b1">(b1))), tl::param<"v">(v)),
                        tl::input<"y">(y)) +
                1e-3 * tl::l2(W1);
    BOOST_TEST(tl::to_string(loss) == "(1/N)Σ(u1) + 0.001 ⊙ Σ(w1²)\n"
                                      "  where u1 = (tanh(x·w1 + b1)·v - y)²\n"
                                      "        N = size(u1)");
    BOOST_TEST(tl::to_string<decltype(loss)>() == "(1/N)Σ(u1) + s0 ⊙ Σ(w1²)\n"
                                                  "  where u1 = (tanh(x·w1 + b1)·v - y)²\n"
                                                  "        N = size(u1)");
    auto g = tl::grad(loss, W1);
    BOOST_TEST(tl::to_string(g) == "xᵀ·((2/N)u2·vᵀ ⊙ (1 - u1²)) + (2·0.001)w1\n"
                                   "  where u1 = tanh(x·w1 + b1)\n"
                                   "        u2 = u1·v - y\n"
                                   "        N = size(u2)");
    BOOST_TEST(tl::to_latex(g) == "x^\\top \\cdot (\\frac{2}{N} u_{2} \\cdot v^\\top \\odot (1 - u_{1}^{2})) + (2 \\cdot 0.001) "
                                  "w_{1} \\quad\\text{where}\\quad \\begin{aligned} u_{1} &= \\tanh(x \\cdot w_{1} + b_{1}) "
                                  "\\\\ u_{2} &= u_{1} \\cdot v - y \\\\ N &= \\operatorname{size}(u_{2}) \\end{aligned}");
}

// H·d for the loss above: with u4 = x·d the change of u1 is u3 ⊙ u4 (u3 = 1 - u1²), so the
// change of the gradient is xᵀ·((2/N)(u4 ⊙ u3)·v·vᵀ ⊙ u3 - 2·u5 ⊙ u3), u5 = u4 ⊙ (2/N)u2·vᵀ ⊙ u1
// (from d(1 - u1²) = -2u1 ⊙ u3 ⊙ u4), plus the penalty's 2·0.001·d.
BOOST_AUTO_TEST_CASE(hessian_vector_product) {
    tl::Tensor<double> x(6, 4), w1(4, 3), b1(1, 3), v(3, 1), y(6, 1), d(4, 3);
    auto W1 = tl::param<"w1">(w1);
    auto loss = tl::mse(tl::matmul(tl::tanh(tl::lin(tl::input<"x">(x), W1, tl::param<"b1">(b1))), tl::param<"v">(v)),
                        tl::input<"y">(y)) +
                1e-3 * tl::l2(W1);
    auto hv = tl::hvp(loss, W1, tl::input<"d">(d));
    std::string const defs = "\n"
                             "  where u1 = tanh(x·w1 + b1)\n"
                             "        u2 = u1·v - y\n"
                             "        u3 = 1 - u1²\n"
                             "        u4 = x·d\n"
                             "        u5 = u4 ⊙ ((2/N)u2·vᵀ) ⊙ u1\n"
                             "        N = size(u2)";
    BOOST_TEST(tl::to_string(hv) == "xᵀ·(((2/N)(u4 ⊙ u3)·v·vᵀ - u5 - u5) ⊙ u3) + (2·0.001)d" + defs);
    BOOST_TEST(tl::to_latex(hv) ==
               "x^\\top \\cdot ((\\frac{2}{N} (u_{4} \\odot u_{3}) \\cdot v \\cdot v^\\top - u_{5} - u_{5}) \\odot u_{3}) + (2 "
               "\\cdot 0.001) d \\quad\\text{where}\\quad \\begin{aligned} u_{1} &= \\tanh(x \\cdot w_{1} + b_{1}) \\\\ u_{2} &= "
               "u_{1} \\cdot v - y \\\\ u_{3} &= 1 - u_{1}^{2} \\\\ u_{4} &= x \\cdot d \\\\ u_{5} &= u_{4} \\odot (\\frac{2}{N} "
               "u_{2} \\cdot v^\\top) \\odot u_{1} \\\\ N &= \\operatorname{size}(u_{2}) \\end{aligned}");
}

BOOST_AUTO_TEST_CASE(forward_expressions_print_as_written) {
    seed s(6, 4, 3, 2);
    auto X = tl::param<"x">(s.x);
    auto W1 = tl::param<"w1">(s.w1);
    auto B1 = tl::param<"b1">(s.b1);
    BOOST_TEST(tl::to_string(tl::relu(tl::lin(X, W1, B1))) == "relu(x·w1 + b1)");
    BOOST_TEST(tl::to_latex(tl::relu(tl::lin(X, W1, B1))) == "\\operatorname{relu}(x \\cdot w_{1} + b_{1})");
    tl::Tensor<double> p(3, 3), q(3, 3);
    auto P = tl::input<"p">(p);
    auto Q = tl::input<"q">(q);
    BOOST_TEST(tl::to_string(tl::transpose(P - Q) * (P + -Q)) == "(p - q)ᵀ ⊙ (p - q)"); // p + -q reads p - q
    BOOST_TEST(tl::to_string(tl::matmul(P * Q, Q) / tl::sqrt(tl::abs(P))) == "((p ⊙ q)·q)/√(|p|)");
    BOOST_TEST(tl::to_string(P * -tl::matmul(Q, Q) - -Q) == "p ⊙ -(q·q) + q");
    auto f = 2.0 * X + 3.0 * tl::matmul(tl::transpose(X), X);
    BOOST_TEST(tl::to_string(f) == "2 ⊙ x + 3 ⊙ (xᵀ·x)");
    BOOST_TEST(tl::to_string<decltype(f)>() == "s0 ⊙ x + s1 ⊙ (xᵀ·x)");
    BOOST_TEST(tl::to_latex(f) == "2 \\odot x + 3 \\odot (x^\\top \\cdot x)");
    BOOST_TEST(tl::to_string(s.loss()) == "(1/N)Σ(u1)\n"
                                          "  where u1 = (relu(x·w1 + b1)·w2 + b2 - y)²\n"
                                          "        N = size(u1)");
    BOOST_TEST(tl::to_latex(s.loss()) ==
               "\\frac{1}{N} \\sum(u_{1}) \\quad\\text{where}\\quad \\begin{aligned} u_{1} &= (\\operatorname{relu}(x \\cdot "
               "w_{1} + b_{1}) \\cdot w_{2} + b_{2} - y)^{2} \\\\ N &= \\operatorname{size}(u_{1}) \\end{aligned}");
    tl::Tensor<double> t(2, 2);
    BOOST_TEST(tl::to_latex(tl::input<"labels">(t) + tl::input<"b_out">(t)) == "\\mathrm{labels} + \\mathrm{b\\_out}");
}

// Every op's form, forward and through its derivative rule: abs → sign, sqrt, sigmoid, softplus →
// σ, pow, max → 𝟙[a ≥ b], min, leaky_relu → its two slopes, div, log, tanh, the row-wise
// log-sum-exp (maxⱼ, Σⱼ, stop_gradient), mean_rows (1/N, N = cols), sum_cols of a transpose,
// gelu → gelu_slope → gelu_curvature, log1p.
BOOST_AUTO_TEST_CASE(every_op_reads) {
    tl::Tensor<double> a(3, 4), b(3, 4), r(1, 4);
    auto A = tl::param<"a">(a);
    auto B = tl::input<"b">(b);
    auto R = tl::param<"r">(r);
    auto f1 = tl::sum(tl::abs(A) + tl::sqrt(A) - tl::sigmoid(A) + tl::softplus(A) + tl::pow(A, 3.0));
    BOOST_TEST(tl::to_string(f1) == "Σ(|a| + √(a) - σ(a) + softplus(a) + a^3)");
    auto g1 = tl::grad(f1, A);
    BOOST_TEST(tl::to_string(g1) == "sign(a) + 1/(2√(a)) - (u1 ⊙ (1 - u1)) + u1 + a^(3 - 1) ⊙ 3\n"
                                    "  where u1 = σ(a)");
    BOOST_TEST(tl::to_latex(g1) == "\\operatorname{sign}(a) + \\frac{1}{2 \\sqrt{a}} - (u_{1} \\odot (1 - u_{1})) + u_{1} + "
                                   "a^{3 - 1} \\odot 3 \\quad\\text{where}\\quad \\begin{aligned} u_{1} &= \\sigma(a) "
                                   "\\end{aligned}");

    auto f2 = tl::sum(tl::max(A, B) + tl::min(A, R) + tl::leaky_relu(A) + tl::exp(A) / B + tl::log(A) * tl::tanh(A));
    BOOST_TEST(tl::to_string(f2) == "Σ(max(a, b) + min(a, r) + leaky_relu(a, 0.01) + exp(a)/b + log(a) ⊙ tanh(a))");
    auto [g2a, g2r] = tl::grad(f2, A, R);
    BOOST_TEST(tl::to_string(g2a) == "𝟙[a ≥ b] + 𝟙[r ≥ a] + (a > 0 ? 1 : 0.01) + 1/b ⊙ exp(a) + u1/a + log(a) ⊙ (1 - u1²)\n"
                                     "  where u1 = tanh(a)");
    BOOST_TEST(tl::to_latex(g2a) ==
               "\\mathbb{1}[a \\geq b] + \\mathbb{1}[r \\geq a] + \\begin{cases} 1 & a > 0 \\\\ 0.01 & \\text{otherwise} "
               "\\end{cases} + \\frac{1}{b} \\odot \\exp(a) + \\frac{u_{1}}{a} + \\log(a) \\odot (1 - u_{1}^{2}) "
               "\\quad\\text{where}\\quad \\begin{aligned} u_{1} &= \\tanh(a) \\end{aligned}");
    BOOST_TEST(tl::to_string(g2r) == "Σᵢ(1 - 𝟙[r ≥ a])"); // r is a row: min's other branch, summed down

    auto f3 = tl::sum(tl::mean_rows(A) * tl::logsumexp_rows(A)) + tl::sum(tl::sum_cols(tl::transpose(A))) -
              tl::sum(-tl::stop_gradient(A));
    BOOST_TEST(tl::to_string(f3) == "Σ((1/N)Σⱼ(a) ⊙ (u1 + log(Σⱼ(exp(a - u1))))) + Σ(Σᵢ(aᵀ)) - Σ(-stop_gradient(a))\n"
                                    "  where u1 = stop_gradient(maxⱼ(a))\n"
                                    "        N = cols(a)");
    auto g3 = tl::grad(f3, A);
    BOOST_TEST(tl::to_string(g3) == "(1/N)(u1 + log(u3)) + ((1/N)Σⱼ(a))/u3 ⊙ u2 + 1\n"
                                    "  where u1 = stop_gradient(maxⱼ(a))\n"
                                    "        u2 = exp(a - u1)\n"
                                    "        u3 = Σⱼ(u2)\n"
                                    "        N = cols(a)");
    BOOST_TEST(tl::to_latex(g3) ==
               "\\frac{1}{N} (u_{1} + \\log(u_{3})) + \\frac{\\frac{1}{N} \\sum_j(a)}{u_{3}} \\odot u_{2} + 1 "
               "\\quad\\text{where}\\quad \\begin{aligned} u_{1} &= \\operatorname{stop\\_gradient}(\\max_j(a)) \\\\ u_{2} "
               "&= \\exp(a - u_{1}) \\\\ u_{3} &= \\sum_j(u_{2}) \\\\ N &= \\operatorname{cols}(a) \\end{aligned}");

    // gelu's derivatives are ops of their own, by name: gelu_slope, then (second order)
    // gelu_curvature; log1p's is 1/(1 + a).
    auto f4 = tl::sum(tl::gelu(A) + tl::log1p(A));
    BOOST_TEST(tl::to_string(f4) == "Σ(gelu(a) + log1p(a))");
    BOOST_TEST(tl::to_latex(f4) == "\\sum(\\operatorname{gelu}(a) + \\operatorname{log1p}(a))");
    auto g4 = tl::grad(f4, A);
    BOOST_TEST(tl::to_string(g4) == "gelu_slope(a) + 1/(1 + a)");
    BOOST_TEST(tl::to_latex(g4) == "\\operatorname{gelu\\_slope}(a) + \\frac{1}{1 + a}");
    auto h4 = tl::hvp(f4, A, tl::input<"v">(b));
    BOOST_TEST(tl::to_string(h4) == "v ⊙ gelu_curvature(a) - (v ⊙ (1/u1))/u1\n"
                                    "  where u1 = 1 + a");
}

// Each hidden layer's pre-activation is read by relu and by its derivative: named once, so the
// gradient of the first layer of a 16-layer network is a short formula plus one definition per
// layer, where expanding the tree would repeat every layer below each use.
BOOST_AUTO_TEST_CASE(deep_network_gradient_prints_in_linear_length) {
    constexpr std::size_t L = 16;
    tl::Tensor<double> x(5, 4), y(5, 4);
    std::array<tl::Tensor<double>, L> w, b;
    for (std::size_t k = 0; k < L; ++k) w[k] = tl::Tensor<double>(4, 4), b[k] = tl::Tensor<double>(1, 4);
    auto layers = [&]<std::size_t... I>(std::index_sequence<I...>) {
        return std::make_tuple(std::pair{tl::param<tl::indexed_name<"w", I>()>(w[I]), tl::param<tl::indexed_name<"b", I>()>(b[I])}...);
    }(std::make_index_sequence<L>{});
    auto loss = tl::mse(tl::mlp(tl::input<"x">(x), layers), tl::input<"y">(y));
    std::string text = tl::to_string(tl::grad(loss, std::get<0>(layers).first));
    BOOST_TEST_MESSAGE(text);
    std::size_t definitions = 0;
    for (std::size_t p = text.find(" = "); p != std::string::npos; p = text.find(" = ", p + 1)) ++definitions;
    BOOST_TEST(definitions == L + 1); // u1 ... u16, N
    BOOST_TEST(text.size() < 120 * L);
    BOOST_TEST(text.find("𝟙[u1 > 0]") != std::string::npos);
    BOOST_TEST(text.rfind("        N = size(", std::string::npos) != std::string::npos);
}

// The piece other printers reuse: a name or a formula per node, and the definitions.
BOOST_AUTO_TEST_CASE(display_names_of_a_node_list) {
    seed s(6, 4, 3, 2);
    auto gw2 = tl::grad(s.loss(), tl::param<"w2">(s.w2));
    using nodes = tl::nodes_t<decltype(gw2)>;
    auto d = tl::display_names<nodes>();
    BOOST_TEST(d.names[nodes::size - 1] == "u1ᵀ·sum_to((2/N)u2, u1·w2)");
    using hidden = decltype(tl::relu(tl::lin(tl::param<"x">(s.x), tl::param<"w1">(s.w1), tl::param<"b1">(s.b1))));
    constexpr std::size_t h = tl::detail::index_of_v<hidden, nodes>;
    BOOST_TEST(d.names[h] == "u1");
    BOOST_TEST(d.definitions.size() == 3u);
    BOOST_TEST(d.definitions[0].first == "u1");
    BOOST_TEST(d.definitions[0].second == "relu(x·w1 + b1)");
    BOOST_TEST(d.definitions[2].first == "N");
    auto latex = tl::display_names<nodes, tl::latex_notation>();
    BOOST_TEST(latex.definitions[1].second == "u_{1} \\cdot w_{2} + b_{2} - y");

    // With the nodes' runtime extents (as a compiled step has them) a sum to a row reads Σᵢ.
    tl::Tensor<double> m(3, 4), row(1, 4);
    auto A = tl::input<"a">(m);
    auto R = tl::param<"r">(row);
    using row_nodes = tl::nodes_t<decltype(tl::grad(tl::sum(A + R), R))>;
    BOOST_TEST(tl::display_names<row_nodes>().names.back() == "sum_to(1, r)");
    std::array<tl::shape, row_nodes::size> shapes{};
    shapes[tl::detail::index_of_v<decltype(A), row_nodes>] = {3, 4};
    shapes[tl::detail::index_of_v<decltype(R), row_nodes>] = {1, 4};
    BOOST_TEST(tl::display_names<row_nodes>(shapes).names.back() == "Σᵢ(1)");
}

BOOST_AUTO_TEST_SUITE_END()
