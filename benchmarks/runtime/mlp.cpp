// One training step (forward + backward, no update) of the seed network, float: tapeless `compile`
// (runtime extents on T threads of its pool, T:1 and T:2; static extents on one) and the runtime tape
// `tapeless::tape` beside the hand-written backprop on the same GEMM (one thread; in the CBLAS
// build, as many as OPENBLAS_NUM_THREADS gives OpenBLAS). Counters: GFLOP/s of the step's GEMM work, heap
// allocations per step and the process's peak resident memory so far (scripts/bench.sh runs each
// row in its own process, so there it is the row's peak).
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "problems/counters.hpp"
#include "problems/mlp.hpp"
#include "problems/mlp_tape.hpp"
#include "problems/peak_rss.hpp"
#include "support/alloc_counter.hpp"

#include <tapeless/tapeless.hpp>

#include <benchmark/benchmark.h>

namespace tl = tapeless;
using tl::bench::mlp_data;

namespace {

// The step's GEMM work: forward 2NDH + 2NHO, backward 2NHO (gw2) + 2NHO (dh1) + 2NDH (gw1).
double flops_of(std::size_t n, std::size_t d, std::size_t h, std::size_t o) {
    return 4.0 * double(n) * double(d) * double(h) + 6.0 * double(n) * double(h) * double(o);
}

void BM_seed_tapeless(benchmark::State& state) {
    std::size_t n = state.range(0), d = state.range(1), h = state.range(2), o = state.range(3);
    auto const on = tl::threads(static_cast<std::size_t>(state.range(4)));
    mlp_data<float> p(n, d, h, o);
    tl::bench::fill_mlp_data(p);
    //! [compiled_step]
    auto W1 = tl::param<"w1">(p.w1);
    auto B1 = tl::param<"b1">(p.b1);
    auto W2 = tl::param<"w2">(p.w2);
    auto B2 = tl::param<"b2">(p.b2);
    auto loss = tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(p.x), W1, B1)), W2, B2), tl::input<"y">(p.y));
    auto step = tl::compile(loss, W1, B1, W2, B2);
    step(on);
    tl::test::count_allocations c;
    for (auto _ : state) {
        step(on);
        benchmark::DoNotOptimize(step.value());
    }
    //! [compiled_step]
    tl::bench::report(state, c.count(), flops_of(n, d, h, o));
}

void BM_seed_handwritten(benchmark::State& state) {
    std::size_t n = state.range(0), d = state.range(1), h = state.range(2), o = state.range(3);
    mlp_data<float> p(n, d, h, o);
    tl::bench::fill_mlp_data(p);
    tl::bench::handwritten_mlp<float> net(n, d, h, o);
    net.step(p);
    tl::test::count_allocations c;
    for (auto _ : state) benchmark::DoNotOptimize(net.step(p));
    tl::bench::report(state, c.count(), flops_of(n, d, h, o));
}

void BM_seed_tape(benchmark::State& state) {
    std::size_t n = state.range(0), d = state.range(1), h = state.range(2), o = state.range(3);
    mlp_data<float> p(n, d, h, o);
    tl::bench::fill_mlp_data(p);
    tl::bench::tape_mlp<float> net;
    net.step(p); // the tape's arena grows to the step's size here; later steps reuse it
    tl::test::count_allocations c;
    for (auto _ : state) benchmark::DoNotOptimize(net.step(p));
    tl::bench::report(state, c.count(), flops_of(n, d, h, o));
}

template <std::size_t N, std::size_t D, std::size_t H, std::size_t O>
void BM_seed_tapeless_static(benchmark::State& state) {
    mlp_data<float> p(N, D, H, O);
    tl::bench::fill_mlp_data(p);
    tl::Tensor<float, N, D> x;
    tl::Tensor<float, N, O> y;
    tl::Tensor<float, D, H> w1;
    tl::Tensor<float, 1, H> b1;
    tl::Tensor<float, H, O> w2;
    tl::Tensor<float, 1, O> b2;
    auto copy = [](auto const& from, auto& to) { std::copy_n(from.data(), from.size(), to.data()); };
    copy(p.x, x), copy(p.y, y), copy(p.w1, w1), copy(p.b1, b1), copy(p.w2, w2), copy(p.b2, b2);
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);
    auto loss = tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(x), W1, B1)), W2, B2), tl::input<"y">(y));
    auto step = tl::compile(loss, W1, B1, W2, B2);
    step(tl::serial);
    tl::test::count_allocations c;
    for (auto _ : state) {
        step(tl::serial);
        benchmark::DoNotOptimize(step.value());
    }
    tl::bench::report(state, c.count(), flops_of(N, D, H, O));
}

void seed_sizes(benchmark::internal::Benchmark* b) { tl::bench::seed_sizes(b, false); }
void seed_sizes_threads(benchmark::internal::Benchmark* b) { tl::bench::seed_sizes(b, true); }

} // namespace

BENCHMARK(BM_seed_tapeless)->Apply(seed_sizes_threads);
BENCHMARK(BM_seed_handwritten)->Apply(seed_sizes);
BENCHMARK(BM_seed_tape)->Apply(seed_sizes);
// Static extents at every size: named like the runtime rows (the template arguments are the args).
#define TAPELESS_BENCH_STATIC(n, d, h, o)                                                              \
    BENCHMARK(BM_seed_tapeless_static<n, d, h, o>)                                                      \
        ->Name("BM_seed_tapeless_static/N:" #n "/D:" #d "/H:" #h "/O:" #o)                             \
        ->Unit(benchmark::kMicrosecond)
TAPELESS_BENCH_STATIC(8, 4, 3, 1);
TAPELESS_BENCH_STATIC(64, 784, 50, 1);
TAPELESS_BENCH_STATIC(1000, 784, 50, 1);
TAPELESS_BENCH_STATIC(10000, 784, 50, 1);
TAPELESS_BENCH_STATIC(256, 784, 256, 10);

BENCHMARK_MAIN();
