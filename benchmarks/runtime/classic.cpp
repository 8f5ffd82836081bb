// The two classic problems of published AD comparisons, reported as gradient time / plain function
// time (scripts/bench.sh and benchmarks/report.py compute the ratios from these rows), float, one
// thread:
//   linreg:  f(w) = 0.5 * sum((X·w - y)^2), the Gaussian negative log-likelihood of a linear
//            regression up to constants, X 1000 x p (p = 10, 150), gradient wrt w (p x 1);
//   sumprod: f(A, B) = sum(A ⊙ B), A and B n x n (n = 11, 181), gradient wrt A and B.
// Rows: BM_<problem>_<function|gradient>_<impl>/<size>, impl = handwritten (plain loops: the
// "plain function" every ratio divides by), tapeless (tl::compile: of f alone, or of f and its
// gradients) and tape (tapeless::tape: record f; or record, backward and read the gradients).
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "problems/counters.hpp"
#include "problems/peak_rss.hpp"
#include "support/alloc_counter.hpp"

#include <tapeless/tape/all.hpp>
#include <tapeless/tapeless.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>

namespace tl = tapeless;

namespace {



// ---- linear regression, Gaussian loss --------------------------------------------------------------

constexpr std::size_t linreg_rows = 1000;

struct linreg {
    tl::Tensor<float> x, y, w;
    explicit linreg(std::size_t p) : x(linreg_rows, p), y(linreg_rows, 1), w(p, 1) {
        tl::bench::fill(x, -1, 1, 1), tl::bench::fill(y, -1, 1, 2), tl::bench::fill(w, -0.1, 0.1, 3);
    }
};

// FLOPs: X·w 2np, residual, square and sum 3n, the half 1; the gradient adds Xᵀ·r 2np.
double linreg_function_flops(std::size_t p) { return 2.0 * linreg_rows * double(p) + 3.0 * linreg_rows + 1; }
double linreg_gradient_flops(std::size_t p) { return linreg_function_flops(p) + 2.0 * linreg_rows * double(p); }

auto linreg_loss(linreg const& d) {
    auto X = tl::input<"x">(d.x);
    auto Y = tl::input<"y">(d.y);
    auto W = tl::param<"w">(d.w);
    return std::pair{tl::sum(tl::square(tl::matmul(X, W) - Y)) * 0.5f, W};
}

void BM_linreg_function_handwritten(benchmark::State& state) {
    std::size_t p = state.range(0);
    linreg d(p);
    tl::test::count_allocations c;
    for (auto _ : state) {
        float const* x = d.x.data();
        float const* w = d.w.data();
        float const* y = d.y.data();
        float f = 0;
        for (std::size_t i = 0; i < linreg_rows; ++i) {
            float r = -y[i];
            for (std::size_t j = 0; j < p; ++j) r += x[i * p + j] * w[j];
            f += r * r;
        }
        benchmark::DoNotOptimize(f * 0.5f);
    }
    tl::bench::report(state, c.count(), linreg_function_flops(p));
}

void BM_linreg_gradient_handwritten(benchmark::State& state) {
    std::size_t p = state.range(0);
    linreg d(p);
    tl::Tensor<float> g(p, 1);
    tl::test::count_allocations c;
    for (auto _ : state) {
        float const* x = d.x.data();
        float const* w = d.w.data();
        float const* y = d.y.data();
        float* gw = g.data();
        for (std::size_t j = 0; j < p; ++j) gw[j] = 0;
        float f = 0;
        for (std::size_t i = 0; i < linreg_rows; ++i) {
            float r = -y[i];
            for (std::size_t j = 0; j < p; ++j) r += x[i * p + j] * w[j];
            f += r * r;
            for (std::size_t j = 0; j < p; ++j) gw[j] += r * x[i * p + j];
        }
        benchmark::DoNotOptimize(f * 0.5f);
        benchmark::DoNotOptimize(gw);
        benchmark::ClobberMemory();
    }
    tl::bench::report(state, c.count(), linreg_gradient_flops(p));
}

void BM_linreg_function_tapeless(benchmark::State& state) {
    std::size_t p = state.range(0);
    linreg d(p);
    auto [loss, W] = linreg_loss(d);
    auto f = tl::compile(loss);
    f();
    tl::test::count_allocations c;
    for (auto _ : state) {
        f();
        benchmark::DoNotOptimize(f.value());
    }
    tl::bench::report(state, c.count(), linreg_function_flops(p));
}

void BM_linreg_gradient_tapeless(benchmark::State& state) {
    std::size_t p = state.range(0);
    linreg d(p);
    auto [loss, W] = linreg_loss(d);
    auto step = tl::compile(loss, W);
    step();
    tl::test::count_allocations c;
    for (auto _ : state) {
        step();
        benchmark::DoNotOptimize(step.value());
        benchmark::DoNotOptimize(step.grad(W).data());
    }
    tl::bench::report(state, c.count(), linreg_gradient_flops(p));
}

template <bool Gradient>
void linreg_tape(benchmark::State& state) {
    std::size_t p = state.range(0);
    linreg d(p);
    tl::tape::tape<float> t;
    auto once = [&] {
        t.clear();
        auto w = t.param(d.w);
        auto loss = tl::tape::sum(tl::tape::square(tl::tape::matmul(t.input(d.x), w) - t.input(d.y))) * 0.5f;
        if constexpr (Gradient) {
            t.backward(loss);
            benchmark::DoNotOptimize(t.grad(w).data());
        }
        return loss.item();
    };
    once();
    tl::test::count_allocations c;
    for (auto _ : state) benchmark::DoNotOptimize(once());
    tl::bench::report(state, c.count(), Gradient ? linreg_gradient_flops(p) : linreg_function_flops(p));
}
void BM_linreg_function_tape(benchmark::State& state) { linreg_tape<false>(state); }
void BM_linreg_gradient_tape(benchmark::State& state) { linreg_tape<true>(state); }

// ---- sum(A ⊙ B) ------------------------------------------------------------------------------------

struct sumprod {
    tl::Tensor<float> a, b;
    explicit sumprod(std::size_t n) : a(n, n), b(n, n) { tl::bench::fill(a, -1, 1, 4), tl::bench::fill(b, -1, 1, 5); }
};

// FLOPs: n² products and n² sums; the gradient (gA = B, gB = A) adds none, only copies.
double sumprod_flops(std::size_t n) { return 2.0 * double(n) * double(n); }

void BM_sumprod_function_handwritten(benchmark::State& state) {
    std::size_t n = state.range(0);
    sumprod d(n);
    tl::test::count_allocations c;
    for (auto _ : state) {
        float const* a = d.a.data();
        float const* b = d.b.data();
        float f = 0;
        for (std::size_t i = 0; i < n * n; ++i) f += a[i] * b[i];
        benchmark::DoNotOptimize(f);
    }
    tl::bench::report(state, c.count(), sumprod_flops(n));
}

void BM_sumprod_gradient_handwritten(benchmark::State& state) {
    std::size_t n = state.range(0);
    sumprod d(n);
    tl::Tensor<float> ga(n, n), gb(n, n);
    tl::test::count_allocations c;
    for (auto _ : state) {
        float const* a = d.a.data();
        float const* b = d.b.data();
        float* pa = ga.data();
        float* pb = gb.data();
        float f = 0;
        for (std::size_t i = 0; i < n * n; ++i) {
            f += a[i] * b[i];
            pa[i] = b[i];
            pb[i] = a[i];
        }
        benchmark::DoNotOptimize(f);
        benchmark::DoNotOptimize(pa);
        benchmark::DoNotOptimize(pb);
        benchmark::ClobberMemory();
    }
    tl::bench::report(state, c.count(), sumprod_flops(n));
}

void BM_sumprod_function_tapeless(benchmark::State& state) {
    std::size_t n = state.range(0);
    sumprod d(n);
    auto f = tl::compile(tl::sum(tl::param<"a">(d.a) * tl::param<"b">(d.b)));
    f();
    tl::test::count_allocations c;
    for (auto _ : state) {
        f();
        benchmark::DoNotOptimize(f.value());
    }
    tl::bench::report(state, c.count(), sumprod_flops(n));
}

void BM_sumprod_gradient_tapeless(benchmark::State& state) {
    std::size_t n = state.range(0);
    sumprod d(n);
    auto A = tl::param<"a">(d.a);
    auto B = tl::param<"b">(d.b);
    auto step = tl::compile(tl::sum(A * B), A, B);
    step();
    tl::test::count_allocations c;
    for (auto _ : state) {
        step();
        benchmark::DoNotOptimize(step.value());
        benchmark::DoNotOptimize(step.grad(A).data());
        benchmark::DoNotOptimize(step.grad(B).data());
    }
    tl::bench::report(state, c.count(), sumprod_flops(n));
}

template <bool Gradient>
void sumprod_tape(benchmark::State& state) {
    std::size_t n = state.range(0);
    sumprod d(n);
    tl::tape::tape<float> t;
    auto once = [&] {
        t.clear();
        auto a = t.param(d.a), b = t.param(d.b);
        auto f = tl::tape::sum(a * b);
        if constexpr (Gradient) {
            t.backward(f);
            benchmark::DoNotOptimize(t.grad(a).data());
            benchmark::DoNotOptimize(t.grad(b).data());
        }
        return f.item();
    };
    once();
    tl::test::count_allocations c;
    for (auto _ : state) benchmark::DoNotOptimize(once());
    tl::bench::report(state, c.count(), sumprod_flops(n));
}
void BM_sumprod_function_tape(benchmark::State& state) { sumprod_tape<false>(state); }
void BM_sumprod_gradient_tape(benchmark::State& state) { sumprod_tape<true>(state); }

void linreg_sizes(benchmark::internal::Benchmark* b) {
    b->ArgName("p")->Arg(10)->Arg(150)->Unit(benchmark::kMicrosecond);
}
void sumprod_sizes(benchmark::internal::Benchmark* b) {
    b->ArgName("n")->Arg(11)->Arg(181)->Unit(benchmark::kMicrosecond);
}

} // namespace

BENCHMARK(BM_linreg_function_handwritten)->Apply(linreg_sizes);
BENCHMARK(BM_linreg_gradient_handwritten)->Apply(linreg_sizes);
BENCHMARK(BM_linreg_function_tapeless)->Apply(linreg_sizes);
BENCHMARK(BM_linreg_gradient_tapeless)->Apply(linreg_sizes);
BENCHMARK(BM_linreg_function_tape)->Apply(linreg_sizes);
BENCHMARK(BM_linreg_gradient_tape)->Apply(linreg_sizes);
BENCHMARK(BM_sumprod_function_handwritten)->Apply(sumprod_sizes);
BENCHMARK(BM_sumprod_gradient_handwritten)->Apply(sumprod_sizes);
BENCHMARK(BM_sumprod_function_tapeless)->Apply(sumprod_sizes);
BENCHMARK(BM_sumprod_gradient_tapeless)->Apply(sumprod_sizes);
BENCHMARK(BM_sumprod_function_tape)->Apply(sumprod_sizes);
BENCHMARK(BM_sumprod_gradient_tape)->Apply(sumprod_sizes);

BENCHMARK_MAIN();
