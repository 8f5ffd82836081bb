// Steps on several threads: the same bits as on one, for every thread count, and right (against
// the seed's closed forms and the tape) at sizes where kernels are split into blocks.
#include "support/alloc_counter.hpp"
#include "support/executors.hpp"
#include "support/gradcheck.hpp"
#include "support/random.hpp"
#include "support/seed.hpp"
#include "support/seed_reference.hpp"

#include <tapeless/tape/all.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace tl = tapeless;
using tl::test::check_every_executor;
using tl::test::copy_of;
using tl::test::relative_error;
using tl::test::same_bits;

namespace {

// The step's loss and gradients against the seed's closed forms (no GEMM, no code shared).
template <class Step>
void expect_closed_forms(Step const& step, tl::test::seed_net<double> const& s) {
    auto ref = tl::test::seed_reference(s.x, s.y, s.w1, s.b1, s.w2, s.b2);
    BOOST_TEST(std::abs(step.value() - ref.loss) <= 1e-12 * std::max(1.0, std::abs(ref.loss)));
    BOOST_TEST(relative_error(step.grad(s.W1()), ref.w1) < 1e-12);
    BOOST_TEST(relative_error(step.grad(s.B1()), ref.b1) < 1e-12);
    BOOST_TEST(relative_error(step.grad(s.W2()), ref.w2) < 1e-12);
    BOOST_TEST(relative_error(step.grad(s.B2()), ref.b2) < 1e-12);
}

} // namespace

BOOST_AUTO_TEST_SUITE(eval_threads)

BOOST_AUTO_TEST_CASE(pool_runs_every_block_once_on_several_threads) {
    auto& pool = tl::exec::detail::pool::instance();
    pool.reserve(3);
    constexpr std::size_t blocks = 24;
    struct context {
        std::atomic<int> runs[blocks]{};
        std::mutex m;
        std::set<std::thread::id> ids;
    } c;
    tl::exec::task t{[](void const* ctx, std::size_t b) {
                         auto& c = *static_cast<context*>(const_cast<void*>(ctx));
                         c.runs[b].fetch_add(1);
                         std::this_thread::sleep_for(std::chrono::milliseconds(1)); // let every worker join in
                         std::lock_guard lock(c.m);
                         c.ids.insert(std::this_thread::get_id());
                     },
                     &c, blocks};
    pool.run(t, 3);
    for (auto const& r : c.runs) BOOST_TEST(r.load() == 1);
    BOOST_TEST(c.ids.size() > 1u);
    BOOST_TEST(c.ids.size() <= 3u);
}

BOOST_AUTO_TEST_CASE(seed_bitwise_equal_for_every_thread_count_and_right) {
    for (std::size_t n : {8u, 64u, 1000u, 3000u}) {
        BOOST_TEST_CONTEXT("N = " << n) {
            tl::test::seed_net<double> s(n, 40, 24, 2, 7 + n);
            auto step = s.compile();
            std::size_t split = check_every_executor(step, s.W1(), s.B1(), s.W2(), s.B2());
            if (n >= 1000) BOOST_TEST(split > 0u); // else this test would not test blocks
            expect_closed_forms(step, s);
        }
    }
}

// Products split along rows of C (x·w1), along k (xᵀ·d_z1: k is the batch) and along columns of C
// (a layer wider than the batch), against the seed's closed forms.
BOOST_AUTO_TEST_CASE(products_split_along_rows_depth_and_columns) {
    using axis = tl::exec::partition::axis;
    std::set<axis> seen;
    for (auto [n, d, h, o] : {std::array<std::size_t, 4>{3000, 100, 64, 2}, {200, 300, 1500, 3}}) {
        BOOST_TEST_CONTEXT(n << "x" << d << "x" << h << "x" << o) {
            tl::test::seed_net<double> s(n, d, h, o, 11);
            auto step = s.compile();
            check_every_executor(step, s.W1(), s.B1(), s.W2(), s.B2());
            for (auto const& p : step.partitions())
                if (p.blocks > 1) seen.insert(p.along);
            expect_closed_forms(step, s);
        }
    }
    BOOST_TEST(seen.count(axis::rows) == 1u);
    BOOST_TEST(seen.count(axis::depth) == 1u);
    BOOST_TEST(seen.count(axis::columns) == 1u);
}

// Every kind of reduction a split loop combines: to 1 x c (bias gradients, sum_cols), to 1 x 1
// (the mean), along rows (softmax) — against the tape, which shares no code with the plan.
BOOST_AUTO_TEST_CASE(classifier_reductions_split_into_blocks_match_the_tape) {
    std::size_t const n = 4000, d = 30, h = 64, k = 10;
    auto x = tl::test::rnd(n, d, 1), w1 = tl::test::rnd(d, h, 2, -0.3, 0.3), b1 = tl::test::rnd(1, h, 3);
    auto w2 = tl::test::rnd(h, k, 4, -0.3, 0.3), b2 = tl::test::rnd(1, k, 5);
    tl::Tensor<double> labels(n, 1);
    for (std::size_t i = 0; i < n; ++i) labels(i, 0) = double((i * 7) % k);
    auto X = tl::input<"x">(x);
    auto L = tl::input<"labels">(labels);
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);
    auto hidden = tl::tanh(tl::lin(X, W1, B1));
    auto loss = tl::cross_entropy(tl::lin(hidden, W2, B2), L) + 0.01 * tl::mean(tl::square(hidden)) +
                tl::sum(tl::sum_cols(tl::abs(hidden)) * 1e-4);
    auto step = tl::compile(loss, W1, B1, W2, B2);
    BOOST_TEST(check_every_executor(step, W1, B1, W2, B2) > 1u);

    tl::tape::tape<double> t;
    auto tx = t.input(x), tw1 = t.param(w1), tb1 = t.param(b1), tw2 = t.param(w2), tb2 = t.param(b2);
    auto th = tl::tape::tanh(tl::tape::lin(tx, tw1, tb1));
    auto tloss = tl::tape::cross_entropy(tl::tape::lin(th, tw2, tb2), labels) +
                 0.01 * tl::tape::mean(tl::tape::square(th)) +
                 tl::tape::sum(tl::tape::sum_cols(tl::tape::abs(th)) * 1e-4);
    t.backward(tloss);
    BOOST_TEST(std::abs(step.value() - tloss.item()) <= 1e-12 * std::abs(tloss.item()));
    BOOST_TEST(relative_error(step.grad(W1), t.grad(tw1)) < 1e-10);
    BOOST_TEST(relative_error(step.grad(B1), t.grad(tb1)) < 1e-10);
    BOOST_TEST(relative_error(step.grad(W2), t.grad(tw2)) < 1e-10);
    BOOST_TEST(relative_error(step.grad(B2), t.grad(tb2)) < 1e-10);
}

BOOST_AUTO_TEST_CASE(float_static_extents_bitwise_equal) {
    tl::Tensor<float, 2048, 96> x;
    tl::Tensor<float, 2048, 1> y;
    tl::Tensor<float, 96, 32> w1;
    tl::Tensor<float, 1, 32> b1;
    tl::Tensor<float, 32, 1> w2;
    tl::Tensor<float, 1, 1> b2;
    tl::test::fill_uniform(x, 1), tl::test::fill_uniform(y, 2), tl::test::fill_uniform(w1, 3);
    tl::test::fill_uniform(b1, 4), tl::test::fill_uniform(w2, 5), tl::test::fill_uniform(b2, 6);
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);
    auto step = tl::compile(tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(x), W1, B1)), W2, B2), tl::input<"y">(y)),
                            W1, B1, W2, B2);
    BOOST_TEST(check_every_executor(step, W1, B1, W2, B2) > 0u);
}

BOOST_AUTO_TEST_CASE(threaded_step_allocates_nothing) {
    tl::test::seed_net<float> s(3000, 784, 50, 1);
    auto step = s.compile();
    step(tl::threads(2));
    tl::test::count_allocations c;
    for (int i = 0; i < 5; ++i) step(tl::threads(2));
    for (int i = 0; i < 5; ++i) step(tl::threads(3));
    BOOST_TEST(c.count() == 0u);
}

// Two user threads stepping two models at once: one gets the pool, the other runs its blocks
// itself; both get their serial results.
BOOST_AUTO_TEST_CASE(concurrent_steps_from_user_threads) {
    tl::test::seed_net<double> a(2000, 30, 20, 1, 1), b(2500, 30, 20, 1, 2);
    auto sa = a.compile();
    auto sb = b.compile();
    sa(tl::serial), sb(tl::serial);
    double const va = sa.value(), vb = sb.value();
    std::atomic<int> wrong{0};
    auto loop = [&](auto& step, double expect) {
        for (int i = 0; i < 50; ++i) {
            step(tl::threads(2));
            if (step.value() != expect) ++wrong;
        }
    };
    std::thread other([&] { loop(sb, vb); });
    loop(sa, va);
    other.join();
    BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_CASE(thread_count_setting) {
    std::size_t const before = tl::num_threads();
    BOOST_TEST(before >= 1u);
    tl::set_num_threads(3);
    BOOST_TEST(tl::num_threads() == 3u);
    BOOST_TEST(tl::threads().count() == 3u);
    BOOST_TEST(tl::threads(2).count() == 2u);
    tl::set_num_threads(0);
    BOOST_TEST(tl::num_threads() == before);
}

BOOST_AUTO_TEST_CASE(environment_variable) {
    using tl::exec::detail::default_threads;
    ::setenv("TAPELESS_NUM_THREADS", "5", 1);
    BOOST_TEST(default_threads() == 5u);
    for (char const* bad : {"0", "-2", "two", "3x", "100000"}) {
        ::setenv("TAPELESS_NUM_THREADS", bad, 1);
        BOOST_CHECK_THROW(default_threads(), tl::error);
    }
    ::unsetenv("TAPELESS_NUM_THREADS");
    BOOST_TEST(default_threads() == std::max(1u, std::thread::hardware_concurrency()));
}

BOOST_AUTO_TEST_SUITE_END()
