// attention: values and gradients against PyTorch's (softmax(q·kᵀ/√dh + mask)·v per sequence and
// head, float64, tests/support/torch), finite differences, the tape (P kept per sequence and head,
// written apart from the op's kernels), causal and not, bad extents at build and at bind, a self-
// attention block inside `repeat`, and the same bits on any thread count.
#include "support/check.hpp"
#include "support/executors.hpp"
#include "support/gradcheck.hpp"
#include "support/random.hpp"
#include "support/torch/tensor.hpp"
#include "support/torch/attention.hpp"

#include <tapeless/tape/all.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace tl = tapeless;
using tl::test::relative_error;

using tl::test::reference_tensor;
using tl::test::uniform_tensor;

namespace {


// The options of each case of the reference file, in its order (generate.py).
constexpr tl::attention_options reference_options[] = {
    {.seq = 1, .heads = 1, .causal = false}, {.seq = 4, .heads = 1, .causal = true},
    {.seq = 5, .heads = 2, .causal = true},  {.seq = 7, .heads = 4, .causal = false},
    {.seq = 16, .heads = 4, .causal = true}, {.seq = 3, .heads = 3, .causal = false}};

// The options of the finite-difference checks (at namespace scope: g++ 12 calls a local constant
// used only as a template argument inside a lambda "set but not used").
constexpr tl::attention_options fd_causal{.seq = 3, .heads = 2, .causal = true};
constexpr tl::attention_options fd_full{.seq = 5, .heads = 1, .causal = false};
// A `repeat` block is a lambda without captures: its options are a constant it needs not capture
// (clang captures a local constant named as a template argument).
constexpr tl::attention_options block_options{.seq = 4, .heads = 2, .causal = true};

template <std::size_t I>
void check_reference() {
    constexpr tl::attention_options o = reference_options[I];
    auto const& c = tl::test::torch_ref::attention::cases[I];
    BOOST_REQUIRE(c.t == o.seq && c.h == o.heads && bool(c.causal) == o.causal);
    std::size_t const n = c.b * c.t;
    auto q = reference_tensor(n, c.d, c.q), k = reference_tensor(n, c.d, c.k), v = reference_tensor(n, c.d, c.v), r = reference_tensor(n, c.d, c.r);
    auto Q = tl::param<"q">(q);
    auto K = tl::param<"k">(k);
    auto V = tl::param<"v">(v);
    BOOST_TEST_CONTEXT("case " << I << ": " << c.b << " sequences of " << c.t << ", " << c.h << " heads, d " << c.d
                               << (o.causal ? ", causal" : "")) {
        BOOST_TEST(relative_error(tl::eval(tl::attention<o>(Q, K, V)), reference_tensor(n, c.d, c.y)) < 1e-13);
        auto [val, gq, gk, gv] = tl::value_and_grad(tl::sum(tl::input<"r">(r) * tl::attention<o>(Q, K, V)), Q, K, V);
        (void)val;
        BOOST_TEST(relative_error(gq, reference_tensor(n, c.d, c.gq)) < 1e-10);
        BOOST_TEST(relative_error(gk, reference_tensor(n, c.d, c.gk)) < 1e-10);
        BOOST_TEST(relative_error(gv, reference_tensor(n, c.d, c.gv)) < 1e-10);

        tl::tape::tape<double> t;
        auto tq = t.param(q), tk = t.param(k), tv = t.param(v);
        auto ty = tl::tape::attention(tq, tk, tv, o.seq, o.heads, o.causal);
        BOOST_TEST(relative_error(ty.value(), reference_tensor(n, c.d, c.y)) < 1e-13);
        t.backward(tl::tape::sum(ty * t.input(r)));
        BOOST_TEST(relative_error(t.grad(tq), reference_tensor(n, c.d, c.gq)) < 1e-10);
        BOOST_TEST(relative_error(t.grad(tk), reference_tensor(n, c.d, c.gk)) < 1e-10);
        BOOST_TEST(relative_error(t.grad(tv), reference_tensor(n, c.d, c.gv)) < 1e-10);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(ops_attention)

BOOST_AUTO_TEST_CASE(equals_pytorch) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (check_reference<I>(), ...);
    }(std::make_index_sequence<std::size(reference_options)>{});
}

// Self-attention of one input through its three projections, so q, k and v share x's gradient,
// then a nonlinearity: causal, odd widths, one sequence and several.
BOOST_AUTO_TEST_CASE(gradients_against_finite_differences) {
    auto x = uniform_tensor(6, 4, 1), wq = uniform_tensor(4, 6, 2), wk = uniform_tensor(4, 6, 3), wv = uniform_tensor(4, 6, 4);
    tl::test::check_gradients(
        [](auto const& X, auto const& Wq, auto const& Wk, auto const& Wv) {
            return tl::mean(tl::tanh(tl::attention<fd_causal>(tl::matmul(X, Wq), tl::matmul(X, Wk), tl::matmul(X, Wv))));
        },
        1e-7, x, wq, wk, wv);
    auto y = uniform_tensor(5, 3, 5), w = uniform_tensor(3, 3, 6);
    tl::test::check_gradients(
        [](auto const& Y, auto const& W) { return tl::sum(tl::square(tl::attention<fd_full>(Y, tl::matmul(Y, W), Y))); }, 1e-7,
        y, w);
}

// The compiled step against the tape, float and double.
BOOST_AUTO_TEST_CASE(equals_the_tape) {
    auto run = [](auto zero) {
        using T = decltype(zero);
        constexpr tl::attention_options o{.seq = 8, .heads = 4, .causal = true};
        tl::Tensor<T> x(24, 16), w(16, 16), y(24, 16);
        tl::test::fill_uniform(x, 11);
        tl::test::fill_uniform(w, 12, -0.5, 0.5);
        tl::test::fill_uniform(y, 13);
        auto X = tl::param<"x">(x);
        auto W = tl::param<"w">(w);
        auto step = tl::compile(tl::mse(tl::attention<o>(tl::matmul(X, W), X, X), tl::input<"y">(y)), X, W);
        step();
        tl::tape::tape<T> t;
        auto tx = t.param(x), tw = t.param(w);
        auto loss = tl::tape::mse(tl::tape::attention(tl::tape::matmul(tx, tw), tx, tx, o.seq, o.heads, o.causal), t.input(y));
        t.backward(loss);
        double const tol = sizeof(T) == 4 ? 1e-5 : 1e-13;
        BOOST_TEST(std::abs(double(step.value()) - double(loss.value()(0, 0))) <= tol);
        BOOST_TEST(relative_error(step.grad(X), t.grad(tx)) < tol);
        BOOST_TEST(relative_error(step.grad(W), t.grad(tw)) < tol);
    };
    run(0.0);
    run(0.0f);
}

// Rows that are not whole sequences, columns that are not whole heads, or k of another shape: a
// shape_error naming the call where it is made, and naming the op where a resized tensor is bound.
BOOST_AUTO_TEST_CASE(bad_extents) {
    constexpr tl::attention_options o{.seq = 4, .heads = 2, .causal = true};
    auto q = uniform_tensor(8, 6, 21), odd = uniform_tensor(7, 6, 22), narrow = uniform_tensor(8, 5, 23), wide = uniform_tensor(8, 4, 24);
    auto Q = tl::input<"q">(q);
    BOOST_CHECK_EXCEPTION((void)tl::attention<o>(tl::input<"x">(odd), tl::input<"x">(odd), tl::input<"x">(odd)),
                          tl::shape_error, [](tl::shape_error const& e) {
                              return std::string(e.what()) ==
                                     "tapeless: attention(q, k, v): q 'x' is 7x6, k 'x' is 7x6, v 'x' is 7x6: rows must "
                                     "be whole sequences (a multiple of .seq)";
                          });
    BOOST_CHECK_THROW((void)tl::attention<o>(tl::input<"x">(narrow), tl::input<"x">(narrow), tl::input<"x">(narrow)),
                      tl::shape_error);
    BOOST_CHECK_THROW((void)tl::attention<o>(Q, tl::input<"k">(wide), Q), tl::shape_error);

    tl::Tensor<double> x = uniform_tensor(8, 6, 25);
    auto X = tl::param<"x">(x);
    auto step = tl::compile(tl::sum(tl::attention<o>(X, X, X)), X);
    step();
    x = uniform_tensor(6, 6, 26); // 6 rows: one and a half sequences
    BOOST_CHECK_EXCEPTION(step(), tl::shape_error, [](tl::shape_error const& e) {
        return std::string(e.what()) == "tapeless: attention: shapes 6x6 ('x') and 6x6 ('x') and 6x6 ('x'): rows must be "
                                        "whole sequences (a multiple of .seq) (after 'x' changed from 8x6 to 6x6)";
    });
    tl::tape::tape<double> t;
    BOOST_CHECK_THROW((void)tl::tape::attention(t.input(odd), t.input(odd), t.input(odd), 4, 2, true), tl::shape_error);
}

// A pre-norm self-attention block run by `repeat` equals the same blocks written out.
BOOST_AUTO_TEST_CASE(inside_a_repeat_block) {
    std::size_t const n = 8, d = 6;
    auto x = uniform_tensor(n, d, 31), y = uniform_tensor(n, d, 32);
    std::vector<tl::Tensor<double>> wq, wo;
    for (std::size_t l = 0; l < 2; ++l) {
        wq.push_back(uniform_tensor(d, d, 33 + l, -0.5, 0.5));
        wo.push_back(uniform_tensor(d, d, 43 + l, -0.5, 0.5));
    }
    auto block = [](auto const& h, auto const& q, auto const& out) {
        auto a = tl::matmul(h, q);
        return h + tl::matmul(tl::attention<block_options>(a, h, h), out);
    };
    auto Wq = tl::params<"wq">(wq);
    auto Wo = tl::params<"wo">(wo);
    auto X = tl::input<"x">(x);
    auto Y = tl::input<"y">(y);
    auto step = tl::compile(tl::mse(tl::repeat(block, X, Wq, Wo), Y), Wq, Wo);
    step();
    auto Q0 = tl::param<"q0">(wq[0]);
    auto Q1 = tl::param<"q1">(wq[1]);
    auto O0 = tl::param<"o0">(wo[0]);
    auto O1 = tl::param<"o1">(wo[1]);
    auto unrolled = tl::compile(tl::mse(block(block(X, Q0, O0), Q1, O1), Y), Q0, Q1, O0, O1);
    unrolled();
    BOOST_TEST(std::abs(step.value() - unrolled.value()) <= 1e-14);
    auto gq = step.grad(Wq);
    auto go = step.grad(Wo);
    BOOST_TEST(relative_error(gq[0], unrolled.grad(Q0)) < 1e-13);
    BOOST_TEST(relative_error(gq[1], unrolled.grad(Q1)) < 1e-13);
    BOOST_TEST(relative_error(go[0], unrolled.grad(O0)) < 1e-13);
    BOOST_TEST(relative_error(go[1], unrolled.grad(O1)) < 1e-13);
}

// Sequences cut into blocks: every thread count gives the serial bits.
BOOST_AUTO_TEST_CASE(same_bits_on_any_thread_count) {
    constexpr tl::attention_options o{.seq = 32, .heads = 4, .causal = true};
    auto q = uniform_tensor(64 * 32, 32, 51), k = uniform_tensor(64 * 32, 32, 52), v = uniform_tensor(64 * 32, 32, 53);
    auto Q = tl::param<"q">(q);
    auto K = tl::param<"k">(k);
    auto V = tl::param<"v">(v);
    auto step = tl::compile(tl::mean(tl::tanh(tl::attention<o>(Q, K, V))), Q, K, V);
    BOOST_TEST(tl::test::check_every_executor(step, Q, K, V) >= 4u);
}

BOOST_AUTO_TEST_SUITE_END()
