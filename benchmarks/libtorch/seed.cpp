// The seed step (forward + backward, no update) with PyTorch's C++ autograd, float, on T intra-op
// threads (torch::set_num_threads(T), T:1 and T:2; one inter-op thread), at the sizes of
// runtime/mlp.cpp and on the same data: parameters with requires_grad, addmm + relu + addmm +
// mse_loss (what torch::nn::Linear and torch::nn::functional::mse_loss do), loss.backward(), the
// gradients zeroed every step as an optimizer's zero_grad() does. Built as tapeless.bench.libtorch
// only when find_package(Torch) succeeds (Debian: libtorch-dev).
//
// allocs/step here counts calls of the C allocation functions (malloc, calloc, realloc,
// posix_memalign, aligned_alloc, memalign), which this executable interposes: libtorch's CPU
// allocator calls posix_memalign directly, and operator new calls malloc, so every heap allocation
// of a step is counted (the tapeless rows count operator new, which is all tapeless uses).
#include "problems/counters.hpp"
#include "problems/mlp.hpp"
#include "problems/peak_rss.hpp"

#include <torch/torch.h>
#include <torch/version.h>

#include <benchmark/benchmark.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

// ---- malloc interposition: count, then forward to glibc ---------------------------------------------
namespace {
std::atomic<std::uint64_t> mallocs{0};
void counted() { mallocs.fetch_add(1, std::memory_order_relaxed); }
} // namespace

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);

void* malloc(std::size_t n) {
    counted();
    return __libc_malloc(n);
}
void* calloc(std::size_t c, std::size_t n) {
    counted();
    return __libc_calloc(c, n);
}
void* realloc(void* p, std::size_t n) {
    counted();
    return __libc_realloc(p, n);
}
void free(void* p) { __libc_free(p); }
void* memalign(std::size_t a, std::size_t n) {
    counted();
    return __libc_memalign(a, n);
}
void* aligned_alloc(std::size_t a, std::size_t n) {
    counted();
    return __libc_memalign(a, n);
}
int posix_memalign(void** out, std::size_t a, std::size_t n) {
    counted();
    void* p = __libc_memalign(a, n);
    if (p == nullptr) return ENOMEM;
    *out = p;
    return 0;
}
}

namespace {

namespace tl = tapeless;

torch::Tensor to_torch(tl::Tensor<float> const& t, bool requires_grad) {
    auto v = torch::from_blob(const_cast<float*>(t.data()),
                              {static_cast<std::int64_t>(t.rows()), static_cast<std::int64_t>(t.cols())},
                              torch::kFloat32)
                 .clone();
    return requires_grad ? v.requires_grad_(true) : v;
}

double flops_of(std::size_t n, std::size_t d, std::size_t h, std::size_t o) {
    return 4.0 * double(n) * double(d) * double(h) + 6.0 * double(n) * double(h) * double(o);
}

void BM_seed_libtorch(benchmark::State& state) {
    std::size_t n = state.range(0), d = state.range(1), h = state.range(2), o = state.range(3);
    torch::set_num_threads(static_cast<int>(state.range(4)));
    tl::bench::mlp_data<float> p(n, d, h, o);
    tl::bench::fill_mlp_data(p);
    auto x = to_torch(p.x, false), y = to_torch(p.y, false);
    auto w1 = to_torch(p.w1, true), b1 = to_torch(p.b1, true), w2 = to_torch(p.w2, true), b2 = to_torch(p.b2, true);
    std::vector<torch::Tensor> params{w1, b1, w2, b2};
    auto step = [&] {
        for (auto& t : params)
            if (t.grad().defined()) t.mutable_grad().zero_();
        auto h1 = torch::relu(torch::addmm(b1, x, w1));
        auto out = torch::addmm(b2, h1, w2);
        auto loss = torch::mse_loss(out, y);
        loss.backward();
        return loss.item<float>();
    };
    step();
    step();
    std::uint64_t const start = mallocs.load();
    for (auto _ : state) benchmark::DoNotOptimize(step());
    std::uint64_t const count = mallocs.load() - start;
    state.counters["GFLOP/s"] = benchmark::Counter(flops_of(n, d, h, o), benchmark::Counter::kIsIterationInvariantRate,
                                                   benchmark::Counter::kIs1000);
    state.counters["allocs/step"] = benchmark::Counter(double(count), benchmark::Counter::kAvgIterations);
    state.counters["peak_RSS_MiB"] = tl::bench::peak_rss_mib();
}

void seed_sizes(benchmark::internal::Benchmark* b) { tl::bench::seed_sizes(b, true); }

} // namespace

BENCHMARK(BM_seed_libtorch)->Apply(seed_sizes);

int main(int argc, char** argv) {
    torch::set_num_threads(1);
    torch::set_num_interop_threads(1);
    benchmark::Initialize(&argc, argv);
    benchmark::AddCustomContext("libtorch_version", TORCH_VERSION);
    benchmark::AddCustomContext("torch_num_threads", std::to_string(torch::get_num_threads()));
    benchmark::AddCustomContext("torch_config", torch::show_config());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
