// layer_norm: values and gradients against PyTorch's (F.layer_norm, float64, tests/support/torch),
// finite differences at several extents, the tape (written apart from the op's kernels), float,
// static extents, bad extents, its plan (one kernel each way), and the same bits on any thread count.
#include "support/check.hpp"
#include "support/executors.hpp"
#include "support/gradcheck.hpp"
#include "support/random.hpp"
#include "support/torch/tensor.hpp"
#include "support/torch/layer_norm.hpp"

#include <tapeless/tape/all.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace tl = tapeless;
using tl::test::check_gradients;
using tl::test::relative_error;

using tl::test::reference_tensor;
using tl::test::uniform_tensor;

namespace {

// max |a - b| relative to the reference's largest magnitude, or to 1e-4 if all are smaller: where
// the exact value is 0 (a row of one column), PyTorch's x·σ⁻¹ - μ·σ⁻¹ leaves a rounding residue
// of 1e-16 that no relative comparison can match, and this library computes (x - μ)·σ⁻¹ = 0.
template <class A>
double error_against(A const& got, tl::Tensor<double> const& want) {
    double diff = 0, scale = 1e-4;
    for (std::size_t k = 0; k < want.size(); ++k) {
        diff = std::max(diff, std::abs(double(got.data()[k]) - want.data()[k]));
        scale = std::max(scale, std::abs(want.data()[k]));
    }
    return got.rows() == want.rows() && got.cols() == want.cols() ? diff / scale : 1.0;
}


} // namespace

BOOST_AUTO_TEST_SUITE(ops_layer_norm)

// Every case of the reference file: y, and the gradients of Σ r ⊙ y, to 1e-10 relative, both from
// the compiled step and from the tape.
BOOST_AUTO_TEST_CASE(equals_pytorch) {
    for (auto const& c : tl::test::torch_ref::layer_norm::cases) {
        auto x = reference_tensor(c.n, c.d, c.x), g = reference_tensor(1, c.d, c.g), b = reference_tensor(1, c.d, c.b), r = reference_tensor(c.n, c.d, c.r);
        auto X = tl::param<"x">(x);
        auto G = tl::param<"g">(g);
        auto B = tl::param<"b">(b);
        auto R = tl::input<"r">(r);
        BOOST_TEST_CONTEXT(c.n << " x " << c.d << ", eps " << c.eps) {
            auto y = c.eps == 1e-5 ? tl::eval(tl::layer_norm(X, G, B)) : tl::eval(tl::layer_norm(X, G, B, c.eps));
            BOOST_TEST(error_against(y, reference_tensor(c.n, c.d, c.y)) < 1e-12);
            auto [v, gx, gg, gb] = tl::value_and_grad(tl::sum(R * tl::layer_norm(X, G, B, c.eps)), X, G, B);
            (void)v;
            BOOST_TEST(error_against(gx, reference_tensor(c.n, c.d, c.gx)) < 1e-10);
            BOOST_TEST(error_against(gg, reference_tensor(1, c.d, c.gg)) < 1e-10);
            BOOST_TEST(error_against(gb, reference_tensor(1, c.d, c.gb)) < 1e-10);

            tl::tape::tape<double> t;
            auto tx = t.param(x), tg = t.param(g), tb = t.param(b);
            auto ty = tl::tape::layer_norm(tx, tg, tb, c.eps);
            BOOST_TEST(error_against(ty.value(), reference_tensor(c.n, c.d, c.y)) < 1e-12);
            t.backward(tl::tape::sum(ty * t.input(r)));
            BOOST_TEST(error_against(t.grad(tx), reference_tensor(c.n, c.d, c.gx)) < 1e-10);
            BOOST_TEST(error_against(t.grad(tg), reference_tensor(1, c.d, c.gg)) < 1e-10);
            BOOST_TEST(error_against(t.grad(tb), reference_tensor(1, c.d, c.gb)) < 1e-10);
        }
    }
}

// Through layers before and after it, so its adjoint meets a real upstream gradient and its
// input is itself computed: one column, odd widths, a single row, wide rows.
BOOST_AUTO_TEST_CASE(gradients_against_finite_differences) {
    for (auto [n, d] : {std::pair{1, 1}, {1, 6}, {3, 5}, {7, 3}, {4, 64}}) {
        BOOST_TEST_CONTEXT(n << " x " << d) {
            auto x = uniform_tensor(n, 4, 1), w = uniform_tensor(4, d, 2), g = uniform_tensor(1, d, 3, 0.5, 1.5), b = uniform_tensor(1, d, 4),
                 v = uniform_tensor(d, 2, 5);
            check_gradients([](auto const& X, auto const& W, auto const& G, auto const& B,
                               auto const& V) { return tl::mean(tl::tanh(tl::matmul(tl::layer_norm(tl::matmul(X, W), G, B), V))); },
                            1e-7, x, w, g, b, v);
        }
    }
}

// The compiled step against the tape on a two-layer pre-norm block, float and double.
BOOST_AUTO_TEST_CASE(equals_the_tape) {
    auto run = [](auto zero) {
        using T = decltype(zero);
        std::size_t const n = 9, d = 12;
        tl::Tensor<T> x(n, d), g(1, d), b(1, d), w(d, d), y(n, d);
        tl::test::fill_uniform(x, 11, -2, 3);
        tl::test::fill_uniform(g, 12, 0.5, 1.5);
        tl::test::fill_uniform(b, 13);
        tl::test::fill_uniform(w, 14);
        tl::test::fill_uniform(y, 15);
        auto X = tl::input<"x">(x);
        auto G = tl::param<"g">(g);
        auto B = tl::param<"b">(b);
        auto W = tl::param<"w">(w);
        auto h = X + tl::relu(tl::matmul(tl::layer_norm(X, G, B), W));
        auto step = tl::compile(tl::mse(tl::layer_norm(h, G, B), tl::input<"y">(y)), G, B, W);
        step();

        tl::tape::tape<T> t;
        auto tx = t.input(x), tg = t.param(g), tb = t.param(b), tw = t.param(w);
        auto th = tx + tl::tape::relu(tl::tape::matmul(tl::tape::layer_norm(tx, tg, tb), tw));
        auto loss = tl::tape::mse(tl::tape::layer_norm(th, tg, tb), t.input(y));
        t.backward(loss);
        double const tol = sizeof(T) == 4 ? 1e-5 : 1e-13;
        BOOST_TEST(std::abs(double(step.value()) - double(loss.value()(0, 0))) <= tol);
        BOOST_TEST(relative_error(step.grad(G), t.grad(tg)) < tol);
        BOOST_TEST(relative_error(step.grad(B), t.grad(tb)) < tol);
        BOOST_TEST(relative_error(step.grad(W), t.grad(tw)) < tol);
    };
    run(0.0);
    run(0.0f);
}

// Static extents compile to the same step as runtime ones.
BOOST_AUTO_TEST_CASE(static_extents) {
    tl::Tensor<double, 3, 5> x;
    tl::Tensor<double, 1, 5> g, b;
    tl::test::fill_uniform(x, 21);
    tl::test::fill_uniform(g, 22);
    tl::test::fill_uniform(b, 23);
    auto xd = uniform_tensor(3, 5, 21), gd = uniform_tensor(1, 5, 22), bd = uniform_tensor(1, 5, 23);
    auto [vs, gs] = tl::value_and_grad(tl::sum(tl::square(tl::layer_norm(tl::input<"x">(x), tl::param<"g">(g), tl::param<"b">(b)))),
                                       tl::param<"g">(g));
    auto [vd, gdd] = tl::value_and_grad(tl::sum(tl::square(tl::layer_norm(tl::input<"x">(xd), tl::param<"g">(gd), tl::param<"b">(bd)))),
                                        tl::param<"g">(gd));
    BOOST_TEST(vs == vd);
    BOOST_TEST(relative_error(gs, gdd) == 0.0);
}

// A gain or bias that is not one row of x's width is a shape_error naming the call and the leaves.
BOOST_AUTO_TEST_CASE(bad_extents) {
    auto x = uniform_tensor(4, 6, 31), g = uniform_tensor(1, 5, 32), b = uniform_tensor(1, 6, 33), tall = uniform_tensor(2, 6, 34);
    auto X = tl::input<"x">(x);
    BOOST_CHECK_EXCEPTION((void)tl::layer_norm(X, tl::param<"g">(g), tl::param<"b">(b)), tl::shape_error,
                          [](tl::shape_error const& e) {
                              return std::string(e.what()) ==
                                     "tapeless: layer_norm(x, g, b): x 'x' is 4x6, g 'g' is 1x5, b 'b' is 1x6: "
                                     "g and b must be one row as wide as x (1 x d)";
                          });
    BOOST_CHECK_THROW((void)tl::layer_norm(X, tl::param<"g">(b), tl::param<"b">(tall)), tl::shape_error);
    tl::tape::tape<double> t;
    BOOST_CHECK_THROW((void)tl::tape::layer_norm(t.input(x), t.param(g), t.param(b)), tl::shape_error);
}

// One kernel of its own forward and one backward, named in the plan.
BOOST_AUTO_TEST_CASE(one_kernel_each_way) {
    auto x = uniform_tensor(5, 8, 41), g = uniform_tensor(1, 8, 42), b = uniform_tensor(1, 8, 43);
    auto X = tl::param<"x">(x);
    auto step = tl::compile(tl::mean(tl::layer_norm(X, tl::input<"g">(g), tl::input<"b">(b))), X);
    std::string const plan = tl::describe(step);
    BOOST_TEST(plan.find("layer_norm  ") != std::string::npos);
    BOOST_TEST(plan.find("layer_norm_back  ∂loss/∂x") != std::string::npos);
    BOOST_TEST(tl::explain(step).find("2 own") != std::string::npos);
}

// A pre-norm block run by `repeat` equals the same blocks written out: the op's kernels run inside
// the block's own plans, forward and backward, layer by layer.
BOOST_AUTO_TEST_CASE(inside_a_repeat_block) {
    std::size_t const n = 6, d = 10, layers = 3;
    auto x = uniform_tensor(n, d, 61), y = uniform_tensor(n, d, 62);
    std::vector<tl::Tensor<double>> g, b, w;
    for (std::size_t l = 0; l < layers; ++l) {
        g.push_back(uniform_tensor(1, d, 63 + l, 0.5, 1.5));
        b.push_back(uniform_tensor(1, d, 73 + l));
        w.push_back(uniform_tensor(d, d, 83 + l, -0.5, 0.5));
    }
    auto block = [](auto const& h, auto const& gi, auto const& bi, auto const& wi) {
        return h + tl::tanh(tl::matmul(tl::layer_norm(h, gi, bi), wi));
    };
    auto G = tl::params<"g">(g);
    auto B = tl::params<"b">(b);
    auto W = tl::params<"w">(w);
    auto X = tl::input<"x">(x);
    auto Y = tl::input<"y">(y);
    auto step = tl::compile(tl::mse(tl::repeat(block, X, G, B, W), Y), G, B, W);
    step();

    auto G0 = tl::param<"g0">(g[0]);
    auto G1 = tl::param<"g1">(g[1]);
    auto G2 = tl::param<"g2">(g[2]);
    auto B0 = tl::param<"b0">(b[0]);
    auto B1 = tl::param<"b1">(b[1]);
    auto B2 = tl::param<"b2">(b[2]);
    auto W0 = tl::param<"w0">(w[0]);
    auto W1 = tl::param<"w1">(w[1]);
    auto W2 = tl::param<"w2">(w[2]);
    auto h = block(block(block(X, G0, B0, W0), G1, B1, W1), G2, B2, W2);
    auto unrolled = tl::compile(tl::mse(h, Y), G0, G1, G2, B0, B1, B2, W0, W1, W2);
    unrolled();
    BOOST_TEST(std::abs(step.value() - unrolled.value()) <= 1e-14);
    auto gg = step.grad(G);
    auto gb = step.grad(B);
    auto gw = step.grad(W);
    BOOST_TEST(relative_error(gg[0], unrolled.grad(G0)) < 1e-13);
    BOOST_TEST(relative_error(gg[2], unrolled.grad(G2)) < 1e-13);
    BOOST_TEST(relative_error(gb[1], unrolled.grad(B1)) < 1e-13);
    BOOST_TEST(relative_error(gw[0], unrolled.grad(W0)) < 1e-13);
    BOOST_TEST(relative_error(gw[2], unrolled.grad(W2)) < 1e-13);
}

// Rows are cut into blocks on large inputs; every thread count gives the serial step's bits.
BOOST_AUTO_TEST_CASE(same_bits_on_any_thread_count) {
    auto x = uniform_tensor(4096, 48, 51), g = uniform_tensor(1, 48, 52, 0.5, 1.5), b = uniform_tensor(1, 48, 53), y = uniform_tensor(4096, 48, 54);
    auto X = tl::param<"x">(x);
    auto G = tl::param<"g">(g);
    auto B = tl::param<"b">(b);
    auto step = tl::compile(tl::mse(tl::tanh(tl::layer_norm(X, G, B)), tl::input<"y">(y)), X, G, B);
    BOOST_TEST(tl::test::check_every_executor(step, X, G, B) >= 2u);
}

BOOST_AUTO_TEST_SUITE_END()
