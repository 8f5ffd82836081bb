// Single-thread sgemm rates of every GEMM the machine has, at the seed step's shapes and square
// sizes: tapeless's own portable kernels and, when the benchmarks link a CBLAS (OpenBLAS on Debian),
// that too. The best rate measured here is the "% of best sgemm" reference of benchmarks/RESULTS.md.
// scripts/bench.sh runs this binary twice: once in the environment as configured (OPENBLAS_CORETYPE
// may pin OpenBLAS to an older kernel set) and once without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, so
// OpenBLAS picks its kernels for the CPU itself. The JSON context key "openblas_corename" says which
// kernels OpenBLAS used. Rows: BM_sgemm/<backend>/<ta><tb>/m:../n:../k:.. (one GEMM) and
// BM_sgemm_step/<backend>/N:../D:../H:../O:.. (the five GEMMs of one seed step in sequence).
#include "problems/peak_rss.hpp"

#include <tapeless/linalg/backend/portable.hpp>
#ifdef TAPELESS_BENCH_HAVE_CBLAS
#include <tapeless/linalg/backend/cblas.hpp>
#endif
#include <tapeless/tensor/tensor.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace tl = tapeless;

namespace {

using gemm_fn = void (*)(bool, bool, std::size_t, std::size_t, std::size_t, float, float const*, std::size_t,
                         float const*, std::size_t, float, float*, std::size_t);

struct backend {
    char const* name;
    gemm_fn fn;
};

std::vector<backend> backends() {
    std::vector<backend> b{{"portable", &tl::backend::portable::gemm<float>}};
#ifdef TAPELESS_BENCH_HAVE_CBLAS
    b.push_back({"cblas", &tl::backend::cblas::gemm<float>});
#endif
    return b;
}

void fill(std::vector<float>& v, std::uint64_t seed) {
    std::mt19937_64 g(seed);
    for (auto& x : v) x = static_cast<float>(static_cast<double>(g() >> 11) * 0x1.0p-53 - 0.5);
}

struct gemm_shape {
    bool ta, tb;
    std::size_t m, n, k;
};

// One product C (m x n) = op(A) op(B), row-major, operands stored untransposed as the step stores them.
struct operands {
    std::vector<float> a, b, c;
    explicit operands(gemm_shape s) : a(s.m * s.k), b(s.k * s.n), c(s.m * s.n) { fill(a, 1), fill(b, 2); }
    void run(gemm_fn f, gemm_shape s) {
        std::size_t const lda = s.ta ? s.m : s.k, ldb = s.tb ? s.k : s.n;
        f(s.ta, s.tb, s.m, s.n, s.k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c.data(), s.n);
    }
};

void counters(benchmark::State& state, double flops) {
    state.counters["GFLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate,
                                                   benchmark::Counter::kIs1000);
    state.counters["peak_RSS_MiB"] = tl::bench::peak_rss_mib();
}

void one_gemm(benchmark::State& state, gemm_fn f, gemm_shape s) {
    operands o(s);
    o.run(f, s);
    for (auto _ : state) {
        o.run(f, s);
        benchmark::DoNotOptimize(o.c.data());
        benchmark::ClobberMemory();
    }
    counters(state, 2.0 * double(s.m) * double(s.n) * double(s.k));
}

// The five GEMMs of one seed step (see benchmarks/problems/mlp.hpp), back to back.
std::vector<gemm_shape> step_shapes(std::size_t n, std::size_t d, std::size_t h, std::size_t o) {
    return {{false, false, n, h, d}, {false, false, n, o, h}, {true, false, h, o, n}, {false, true, n, h, o},
            {true, false, d, h, n}};
}

void step_gemms(benchmark::State& state, gemm_fn f, std::vector<gemm_shape> shapes) {
    std::vector<operands> ops;
    double flops = 0;
    for (auto const& s : shapes) ops.emplace_back(s), flops += 2.0 * double(s.m) * double(s.n) * double(s.k);
    for (std::size_t i = 0; i < shapes.size(); ++i) ops[i].run(f, shapes[i]);
    for (auto _ : state) {
        for (std::size_t i = 0; i < shapes.size(); ++i) ops[i].run(f, shapes[i]);
        benchmark::ClobberMemory();
    }
    counters(state, flops);
}

std::string shape_name(gemm_shape s) {
    return std::string(s.ta ? "t" : "n") + (s.tb ? "t" : "n") + "/m:" + std::to_string(s.m) +
           "/n:" + std::to_string(s.n) + "/k:" + std::to_string(s.k);
}

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
#if defined(TAPELESS_BENCH_HAVE_CBLAS) && defined(OPENBLAS_VERSION)
    benchmark::AddCustomContext("openblas_corename", openblas_get_corename());
    benchmark::AddCustomContext("openblas_config", openblas_get_config());
    benchmark::AddCustomContext("openblas_num_threads", std::to_string(openblas_get_num_threads()));
#endif
    std::vector<std::vector<std::size_t>> const sizes{
        {8, 4, 3, 1}, {64, 784, 50, 1}, {1000, 784, 50, 1}, {10000, 784, 50, 1}, {256, 784, 256, 10}};
    // Single products: the two big GEMMs of each step (x·w1 and xᵀ·d_z1) and square sizes; at the
    // reference batches also the three skinny ones (h·w2 and hᵀ·d_out: n = 1; d_out·w2ᵀ: k = 1).
    std::vector<gemm_shape> singles;
    for (auto const& s : sizes) {
        auto st = step_shapes(s[0], s[1], s[2], s[3]);
        singles.push_back(st[0]);
        singles.push_back(st[4]);
        if (s[0] >= 1000 && s[3] == 1)
            for (std::size_t i : {1, 2, 3}) singles.push_back(st[i]);
    }
    for (std::size_t n : {256, 512, 1024}) singles.push_back({false, false, n, n, n});
    for (auto const& b : backends()) {
        for (auto const& s : singles)
            benchmark::RegisterBenchmark(("BM_sgemm/" + std::string(b.name) + "/" + shape_name(s)).c_str(), one_gemm,
                                         b.fn, s)
                ->Unit(benchmark::kMicrosecond);
        for (auto const& s : sizes)
            benchmark::RegisterBenchmark(("BM_sgemm_step/" + std::string(b.name) + "/N:" + std::to_string(s[0]) +
                                          "/D:" + std::to_string(s[1]) + "/H:" + std::to_string(s[2]) +
                                          "/O:" + std::to_string(s[3]))
                                             .c_str(),
                                         step_gemms, b.fn, step_shapes(s[0], s[1], s[2], s[3]))
                ->Unit(benchmark::kMicrosecond);
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
