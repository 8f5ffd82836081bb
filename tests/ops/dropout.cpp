// dropout: Philox4x32-10 against its published known answers (and Random123 where installed), the
// drop rate and the kept elements' scale, independence across elements, rows, steps and the layers
// of a `repeat`, p read at run time (0 evaluates with the same step), reproducibility by seed and
// step number, gradients against finite differences and against the forward mask, the tape, and
// the same bits on any thread count.
#include "support/check.hpp"
#include "support/gradcheck.hpp"
#include "support/random.hpp"

#include <tapeless/detail/philox.hpp>
#include <tapeless/tape/all.hpp>
#include <tapeless/tapeless.hpp>

#if __has_include(<Random123/philox.h>)
#include <Random123/philox.h>
#define TAPELESS_TEST_HAVE_RANDOM123 1
#endif

#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tl = tapeless;
using tl::test::uniform_tensor;

namespace {

// |count - n·q| within 5 standard deviations of a binomial(n, q).
bool binomial_close(double count, double n, double q) { return std::abs(count - n * q) <= 5 * std::sqrt(n * q * (1 - q)); }

template <class V>
std::vector<bool> dropped(V const& y) {
    std::vector<bool> d(y.size());
    for (std::size_t e = 0; e < y.size(); ++e) d[e] = y.data()[e] == 0;
    return d;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ops_dropout)

// Random123's known-answer vectors for philox4x32 with 10 rounds (its kat_vectors file).
BOOST_AUTO_TEST_CASE(philox_known_answers) {
    using w4 = std::array<std::uint32_t, 4>;
    BOOST_TEST((tl::detail::philox4x32_10({0, 0, 0, 0}, {0, 0}) == w4{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
    BOOST_TEST((tl::detail::philox4x32_10({~0u, ~0u, ~0u, ~0u}, {~0u, ~0u}) ==
                w4{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
    BOOST_TEST((tl::detail::philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
                w4{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
#ifdef TAPELESS_TEST_HAVE_RANDOM123
    tl::test::rng g(1);
    r123::Philox4x32 ref;
    for (int i = 0; i < 10000; ++i) {
        std::uint64_t const a = g(), b = g(), c = g();
        r123::Philox4x32::ctr_type ctr = {{std::uint32_t(a), std::uint32_t(a >> 32), std::uint32_t(b), std::uint32_t(b >> 32)}};
        r123::Philox4x32::key_type key = {{std::uint32_t(c), std::uint32_t(c >> 32)}};
        auto const want = ref(ctr, key);
        auto const got = tl::detail::philox4x32_10({ctr[0], ctr[1], ctr[2], ctr[3]}, {key[0], key[1]});
        BOOST_TEST_REQUIRE((got == w4{want[0], want[1], want[2], want[3]}));
    }
#else
    BOOST_TEST_MESSAGE("Random123 not installed: Philox checked against the known answers only");
#endif
}

// 10⁶ elements at p = 0.1 and 0.5: the dropped fraction is binomial, kept elements are x/(1-p)
// exactly, and drops of neighbouring elements, of rows and of consecutive steps are independent.
BOOST_AUTO_TEST_CASE(rate_scale_and_independence) {
    for (double p : {0.1, 0.5}) {
        BOOST_TEST_CONTEXT("p = " << p) {
            std::size_t const r = 1000, c = 1000;
            tl::Tensor<double> x(r, c, 1.0), pt(1, 1, p);
            auto step = tl::compile(tl::dropout(tl::input<"x">(x), tl::input<"p">(pt)));
            step.seed(20261208);
            step();
            auto const a = dropped(step.result());
            step();
            auto const b = dropped(step.result());
            double n = double(r * c), da = 0, both_steps = 0, both_neighbours = 0, both_rows = 0;
            bool scaled = true;
            for (std::size_t e = 0; e < a.size(); ++e) {
                da += a[e];
                both_steps += a[e] && b[e];
                if (e + 1 < a.size()) both_neighbours += a[e] && a[e + 1];
                if (e + c < a.size()) both_rows += a[e] && a[e + c];
                double const y = step.result().data()[e];
                scaled = scaled && (y == 0 || y == 1.0 / (1.0 - p));
            }
            BOOST_TEST(scaled);
            BOOST_TEST(binomial_close(da, n, p));
            BOOST_TEST(binomial_close(both_steps, n, p * p));
            BOOST_TEST(binomial_close(both_neighbours, n - 1, p * p));
            BOOST_TEST(binomial_close(both_rows, n - double(c), p * p));
        }
    }
}

// p is read when the step runs: 0 is the identity, 1 zeros everything, in one compiled step.
BOOST_AUTO_TEST_CASE(p_at_run_time) {
    auto x = uniform_tensor(40, 30, 1);
    tl::Tensor<double> pt(1, 1, 0.3);
    auto step = tl::compile(tl::dropout(tl::input<"x">(x), tl::input<"p">(pt)));
    step();
    pt(0, 0) = 0.0;
    step();
    BOOST_TEST(std::memcmp(step.result().data(), x.data(), x.size() * sizeof(double)) == 0);
    pt(0, 0) = 1.0;
    step();
    for (std::size_t e = 0; e < x.size(); ++e) BOOST_TEST_REQUIRE(step.result().data()[e] == 0.0);
}

// p outside [0, 1] (or NaN) is a value_error naming it, before the step writes anything; a p of
// more than one number is a shape_error.
BOOST_AUTO_TEST_CASE(bad_p) {
    auto x = uniform_tensor(8, 6, 7);
    tl::Tensor<double> pt(1, 1, 0.5);
    auto X = tl::param<"x">(x);
    auto step = tl::compile(tl::sum(tl::dropout(X, tl::input<"rate">(pt))), X);
    step();
    double const before = step.value();
    for (double bad : {-0.1, 1.5, std::nan("")}) {
        pt(0, 0) = bad;
        BOOST_CHECK_EXCEPTION(step(), tl::value_error, [](tl::value_error const& e) {
            return std::string(e.what()).rfind("tapeless: dropout: p 'rate' is ", 0) == 0 &&
                   std::string(e.what()).find(", not a probability in [0, 1]") != std::string::npos;
        });
        BOOST_TEST(step.value() == before);
    }
    BOOST_CHECK_THROW((void)tl::value_and_grad(tl::sum(tl::dropout(X, 2.0)), X), tl::value_error);
    tl::Tensor<double> two(1, 2, 0.5);
    BOOST_CHECK_THROW((void)tl::eval(tl::dropout(X, tl::input<"p">(two))), tl::shape_error);
}

// Equal seeds and step numbers, equal masks; another seed or step, another mask.
BOOST_AUTO_TEST_CASE(reproducible_by_seed_and_step) {
    auto x = uniform_tensor(64, 64, 2);
    auto X = tl::input<"x">(x);
    auto s1 = tl::compile(tl::dropout(X, 0.5));
    auto s2 = tl::compile(tl::dropout(X, 0.5));
    s1.seed(7);
    s2.seed(7);
    s1();
    s2();
    BOOST_TEST(dropped(s1.result()) == dropped(s2.result()));
    BOOST_TEST(s1.step_number() == 1u);
    s2.seed(8);
    s2.set_step_number(0);
    s2();
    BOOST_TEST(dropped(s1.result()) != dropped(s2.result()));
    s2.seed(7);
    s2();
    BOOST_TEST(dropped(s1.result()) != dropped(s2.result())); // step 1
    s2.set_step_number(0);
    s2();
    BOOST_TEST(dropped(s1.result()) == dropped(s2.result()));
}

// Gradients against finite differences (one-shot evaluations run step 0 with seed 0, so every
// evaluation draws the same mask), and x̄ = ȳ ⊙ y/x: the backward pass uses the forward mask.
BOOST_AUTO_TEST_CASE(gradients) {
    auto x = uniform_tensor(7, 5, 3), w = uniform_tensor(5, 4, 4);
    tl::test::check_gradients(
        [](auto const& X, auto const& W) { return tl::mean(tl::tanh(tl::matmul(tl::dropout(X, 0.4), W))); }, 1e-7, x, w);

    auto X = tl::param<"x">(x);
    auto y = tl::eval(tl::dropout(X, 0.4));
    auto [v, gx] = tl::value_and_grad(tl::sum(tl::square(tl::dropout(X, 0.4))), X);
    (void)v;
    for (std::size_t e = 0; e < x.size(); ++e) {
        double const factor = y.data()[e] / x.data()[e]; // 0 or 1/(1 - p)
        BOOST_TEST(std::abs(gx.data()[e] - 2 * y.data()[e] * factor) <= 1e-14);
    }
}

// The tape draws the same masks for the same seed, step and site; its gradient is ȳ ⊙ mask/(1-p).
BOOST_AUTO_TEST_CASE(tape) {
    auto x = uniform_tensor(50, 40, 5);
    tl::tape::tape<double> t;
    auto tx = t.param(x);
    auto ty = tl::tape::dropout(tx, 0.25, 11, 3, 2);
    t.backward(tl::tape::sum(ty));
    auto const y = ty.value();
    std::size_t zeros = 0;
    for (std::size_t e = 0; e < x.size(); ++e) {
        zeros += y.data()[e] == 0;
        BOOST_TEST_REQUIRE(t.grad(tx).data()[e] == (y.data()[e] == 0 ? 0.0 : 1.0 / 0.75));
    }
    BOOST_TEST(binomial_close(double(zeros), double(x.size()), 0.25));
    tl::tape::tape<double> t2;
    auto y2 = tl::tape::dropout(t2.input(x), 0.25, 11, 3, 2).value();
    BOOST_TEST(std::memcmp(y.data(), y2.data(), x.size() * sizeof(double)) == 0);
    BOOST_CHECK_THROW((void)tl::tape::dropout(t2.input(x), 1.5, 11, 3), tl::value_error);
}

// A block with dropout run by `repeat`: each layer draws its own mask (two layers at p = 0.5 drop
// about 3/4 of the elements, not 1/2).
BOOST_AUTO_TEST_CASE(each_layer_its_own_mask) {
    std::size_t const n = 200, d = 100;
    tl::Tensor<double> x(n, d, 1.0);
    std::vector<tl::Tensor<double>> w(2, tl::Tensor<double>(1, d, 1.0));
    auto block = [](auto const& h, auto const& wi) { return tl::dropout(h * wi, 0.5); };
    auto step = tl::compile(tl::repeat(block, tl::input<"x">(x), tl::params<"w">(w)));
    step();
    auto const z = dropped(step.result());
    double zeros = 0;
    for (bool b : z) zeros += b;
    BOOST_TEST(binomial_close(zeros, double(n * d), 0.75));
}

// Masks and gradients are the same bits on any number of threads (blocks cut the rows).
BOOST_AUTO_TEST_CASE(same_bits_on_any_thread_count) {
    auto x = uniform_tensor(4096, 64, 6);
    auto X = tl::param<"x">(x);
    auto step = tl::compile(tl::sum(tl::square(tl::dropout(X, 0.3))), X);
    step.set_step_number(5);
    step(tl::serial);
    double const v = step.value();
    tl::Tensor<double> g(x.rows(), x.cols());
    std::memcpy(g.data(), step.grad(X).data(), x.size() * sizeof(double));
    for (std::size_t threads : {1u, 2u, 3u}) {
        step.set_step_number(5);
        step(tl::threads(threads));
        BOOST_TEST(step.value() == v);
        BOOST_TEST(std::memcmp(g.data(), step.grad(X).data(), x.size() * sizeof(double)) == 0);
    }
    BOOST_TEST(step.partitions()[0].blocks + step.partitions().back().blocks > 2u);
}

BOOST_AUTO_TEST_SUITE_END()
