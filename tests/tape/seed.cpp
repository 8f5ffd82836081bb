// The seed network on tapeless::tape: gradients against the seed's closed forms (an independent
// oracle, no GEMM), reuse of one tape across training steps, and heap allocations per step.
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "support/alloc_counter.hpp"
#include "support/gradcheck.hpp"
#include "support/random.hpp"
#include "support/seed_reference.hpp"

#include "../../benchmarks/problems/mlp_tape.hpp"

#include <tapeless/tape/all.hpp>

#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <cstddef>

namespace tl = tapeless;
namespace tp = tapeless::tape;
using tl::test::relative_error;

namespace {

template <class T>
struct seed_data {
    tl::Tensor<T> x, y, w1, b1, w2, b2;
    seed_data(std::size_t n, std::size_t d, std::size_t h, std::size_t o, std::uint64_t seed)
        : x(n, d), y(n, o), w1(d, h), b1(1, h), w2(h, o), b2(1, o) {
        tl::test::fill_uniform(x, seed + 1);
        tl::test::fill_uniform(y, seed + 2);
        tl::test::fill_uniform(w1, seed + 3);
        tl::test::fill_uniform(b1, seed + 4, -0.5, 0.5);
        tl::test::fill_uniform(w2, seed + 5);
        tl::test::fill_uniform(b2, seed + 6);
    }
};

// The seed step on a tape; x is a param when `grad_x`, so dL/dx is checked too.
template <class T>
struct seed_step {
    tp::var<T> loss, x, w1, b1, w2, b2;
    seed_step(tp::tape<T>& t, seed_data<T> const& s, bool grad_x) {
        x = grad_x ? t.param(s.x) : t.input(s.x);
        w1 = t.param(s.w1);
        b1 = t.param(s.b1);
        w2 = t.param(s.w2);
        b2 = t.param(s.b2);
        loss = tp::mse(tp::lin(tp::relu(tp::lin(x, w1, b1)), w2, b2), t.input(s.y));
        t.backward(loss);
    }
};

void sgd(tl::Tensor<double>& w, tl::TensorView<double const> g, double rate) {
    for (std::size_t k = 0; k < w.size(); ++k) w.data()[k] -= rate * g.data()[k];
}

} // namespace

BOOST_AUTO_TEST_SUITE(tape_seed)

BOOST_AUTO_TEST_CASE(closed_forms_double) {
    for (auto [n, d, h, o] : {std::array<std::size_t, 4>{8, 4, 3, 1}, {5, 4, 3, 2}, {17, 9, 6, 3}, {1, 3, 2, 1},
                              {64, 33, 20, 1}}) {
        BOOST_TEST_CONTEXT("N, D, H, O = " << n << ", " << d << ", " << h << ", " << o) {
            seed_data<double> s(n, d, h, o, 42 + n);
            auto ref = tl::test::seed_reference(s.x, s.y, s.w1, s.b1, s.w2, s.b2);
            tp::tape<double> t;
            seed_step<double> step(t, s, true);
            BOOST_TEST(std::abs(step.loss.item() - ref.loss) <= 1e-12 * std::abs(ref.loss));
            BOOST_TEST(relative_error(t.grad(step.w1), ref.w1) < 1e-12);
            BOOST_TEST(relative_error(t.grad(step.b1), ref.b1) < 1e-12);
            BOOST_TEST(relative_error(t.grad(step.w2), ref.w2) < 1e-12);
            BOOST_TEST(relative_error(t.grad(step.b2), ref.b2) < 1e-12);
            BOOST_TEST(relative_error(t.grad(step.x), ref.x) < 1e-12);
        }
    }
}

BOOST_AUTO_TEST_CASE(closed_forms_float) {
    seed_data<double> s(32, 10, 7, 2, 9);
    seed_data<float> f(32, 10, 7, 2, 9); // the same draws, rounded to float
    auto widen = [](tl::Tensor<float> const& a) {
        tl::Tensor<double> r(a.rows(), a.cols());
        for (std::size_t k = 0; k < a.size(); ++k) r.data()[k] = a.data()[k];
        return r;
    };
    auto ref = tl::test::seed_reference(widen(f.x), widen(f.y), widen(f.w1), widen(f.b1), widen(f.w2), widen(f.b2));
    tp::tape<float> t;
    seed_step<float> step(t, f, true);
    BOOST_TEST(std::abs(step.loss.item() - ref.loss) <= 1e-6 * std::abs(ref.loss));
    BOOST_TEST(relative_error(t.grad(step.w1), ref.w1) < 1e-5);
    BOOST_TEST(relative_error(t.grad(step.b1), ref.b1) < 1e-5);
    BOOST_TEST(relative_error(t.grad(step.w2), ref.w2) < 1e-5);
    BOOST_TEST(relative_error(t.grad(step.b2), ref.b2) < 1e-5);
    BOOST_TEST(relative_error(t.grad(step.x), ref.x) < 1e-5);
}

BOOST_AUTO_TEST_CASE(one_tape_across_training_steps) {
    // Train with SGD for a few steps on one tape (cleared each step) and check every step against
    // the closed forms at the current weights: reuse must not leak state between steps.
    seed_data<double> s(16, 5, 4, 1, 77);
    tp::tape<double> t;
    double first = 0, last = 0;
    for (int step = 0; step < 6; ++step) {
        t.clear();
        tl::test::fill_uniform(s.x, 100 + std::uint64_t(step)); // fresh data each step, same tensors
        auto ref = tl::test::seed_reference(s.x, s.y, s.w1, s.b1, s.w2, s.b2);
        seed_step<double> st(t, s, false);
        BOOST_TEST_CONTEXT("step " << step) {
            BOOST_TEST(std::abs(st.loss.item() - ref.loss) <= 1e-12 * std::abs(ref.loss));
            BOOST_TEST(relative_error(t.grad(st.w1), ref.w1) < 1e-12);
            BOOST_TEST(relative_error(t.grad(st.b2), ref.b2) < 1e-12);
        }
        (step == 0 ? first : last) = st.loss.item();
        sgd(s.w1, t.grad(st.w1), 0.05);
        sgd(s.b1, t.grad(st.b1), 0.05);
        sgd(s.w2, t.grad(st.w2), 0.05);
        sgd(s.b2, t.grad(st.b2), 0.05);
    }
    BOOST_TEST(std::isfinite(last));
    BOOST_TEST(first > 0);
}

BOOST_AUTO_TEST_CASE(no_allocations_in_steady_state) {
    for (auto [n, d, h, o] : {std::array<std::size_t, 4>{8, 4, 3, 1}, {1000, 784, 50, 1}, {64, 32, 16, 10}}) {
        BOOST_TEST_CONTEXT("N, D, H, O = " << n << ", " << d << ", " << h << ", " << o) {
            tl::bench::mlp_data<float> p(n, d, h, o);
            tl::bench::fill_mlp_data(p);
            tl::bench::tape_mlp<float> net;
            // The first step grows the arena chunk by chunk; the clear() starting the second merges
            // them into one chunk that holds a whole step. From then on: nothing.
            net.step(p);
            net.step(p);
            tl::test::count_allocations c;
            float loss = 0;
            for (int i = 0; i < 10; ++i) loss = net.step(p);
            BOOST_TEST(c.count() == 0u);
            BOOST_TEST(c.frees() == 0u);
            BOOST_TEST(std::isfinite(loss));
            BOOST_TEST(net.gw1.rows() == d);
            BOOST_TEST(net.gb2.cols() == o);
        }
    }
    // A step that outgrows the arena chains a chunk; the next clear() makes one chunk of the whole
    // step, so growth costs allocations once, not every step.
    tl::bench::mlp_data<float> small(8, 4, 3, 1), large(256, 64, 32, 1);
    tl::bench::fill_mlp_data(small);
    tl::bench::fill_mlp_data(large);
    tl::bench::tape_mlp<float> net;
    net.step(small);
    net.step(large);
    net.step(large);
    tl::test::count_allocations c;
    net.step(large);
    net.step(small);
    net.step(large);
    BOOST_TEST(c.count() == 0u);
}

BOOST_AUTO_TEST_CASE(tape_mlp_matches_the_handwritten_step) {
    tl::bench::mlp_data<double> p(50, 20, 10, 1);
    tl::bench::fill_mlp_data(p);
    tl::bench::tape_mlp<double> tape_net;
    tl::bench::handwritten_mlp<double> hand(50, 20, 10, 1);
    double const lt = tape_net.step(p), lh = hand.step(p);
    BOOST_TEST(std::abs(lt - lh) <= 1e-13 * lh);
    BOOST_TEST(relative_error(tape_net.gw1, hand.gw1) < 1e-13);
    BOOST_TEST(relative_error(tape_net.gb1, hand.gb1) < 1e-13);
    BOOST_TEST(relative_error(tape_net.gw2, hand.gw2) < 1e-13);
    BOOST_TEST(relative_error(tape_net.gb2, hand.gb2) < 1e-13);
}

BOOST_AUTO_TEST_SUITE_END()
