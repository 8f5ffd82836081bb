// What `repeat` costs at run time: one training step (loss and gradients, no update), float, of a
// residual tanh network of 16 blocks h = h + tanh(h·w_i + b_i), then a d x 10 head and softmax
// cross-entropy, written two ways on the same tensors:
//   unrolled  the 16 blocks as one expression (compile-time depth: one plan over all layers);
//   repeat    tl::repeat over stacks of 16 layers (run-time depth: the block's plan run per layer).
// Rows: BM_repeat_<way>/N/D/T (step(tl::threads(T))), at (N, D) = (64, 64), (256, 128) and
// (1024, 256). Counters: heap allocations per step and peak resident memory. Before any row runs,
// both ways are checked against each other (loss and every gradient, relative 1e-4, serial and on 2
// threads); the program stops if they differ.
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "problems/counters.hpp"
#include "support/alloc_counter.hpp"

#include <tapeless/tapeless.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace tl = tapeless;

namespace {

constexpr std::size_t blocks = 16, classes = 10;

auto const residual = [](auto const& h, auto const& w, auto const& b) { return h + tl::tanh(tl::lin(h, w, b)); };

struct data {
    tl::Tensor<float> x, labels, wo, bo;
    std::vector<tl::Tensor<float>> w, b;
    data(std::size_t n, std::size_t d) : x(n, d), labels(n, 1), wo(d, classes), bo(1, classes) {
        tl::bench::fill(x, -1, 1, 1);
        for (std::size_t i = 0; i < n; ++i) labels(i, 0) = static_cast<float>(i % classes);
        tl::bench::fill(wo, -0.1, 0.1, 2);
        tl::bench::fill(bo, -0.1, 0.1, 3);
        float const a = 1.0f / std::sqrt(static_cast<float>(d));
        for (std::size_t l = 0; l < blocks; ++l) {
            w.emplace_back(d, d);
            b.emplace_back(1, d);
            tl::bench::fill(w.back(), -a, a, 10 + l);
            tl::bench::fill(b.back(), -0.1, 0.1, 100 + l);
        }
    }
};

// Leaves w00..w15, b00..b15 over the stacks' tensors, for the unrolled network.
template <std::size_t... I>
auto layer_leaves(data const& d, std::index_sequence<I...>) {
    static constexpr tl::fixed_string<4> wn[] = {"w00", "w01", "w02", "w03", "w04", "w05", "w06", "w07",
                                                 "w08", "w09", "w10", "w11", "w12", "w13", "w14", "w15"};
    static constexpr tl::fixed_string<4> bn[] = {"b00", "b01", "b02", "b03", "b04", "b05", "b06", "b07",
                                                 "b08", "b09", "b10", "b11", "b12", "b13", "b14", "b15"};
    return std::tuple{std::pair{tl::param<wn[I]>(d.w[I]), tl::param<bn[I]>(d.b[I])}...};
}
template <std::size_t I, class H, class L>
auto unroll(H const& h, L const& l) {
    if constexpr (I == std::tuple_size_v<L>) return h;
    else return unroll<I + 1>(residual(h, std::get<I>(l).first, std::get<I>(l).second), l);
}

auto unrolled_step(data& d) {
    auto l = layer_leaves(d, std::make_index_sequence<blocks>{});
    auto loss = tl::cross_entropy(tl::lin(unroll<0>(tl::input<"x">(d.x), l), tl::param<"wo">(d.wo), tl::param<"bo">(d.bo)),
                                  tl::input<"labels">(d.labels));
    return std::apply([&](auto const&... p) { return tl::compile(loss, p.first..., p.second...); }, l);
}
auto repeat_step(data& d) {
    auto loss = tl::cross_entropy(tl::lin(tl::repeat(residual, tl::input<"x">(d.x), tl::params<"w">(d.w), tl::params<"b">(d.b)),
                                          tl::param<"wo">(d.wo), tl::param<"bo">(d.bo)),
                                  tl::input<"labels">(d.labels));
    return tl::compile(loss, tl::params<"w">(d.w), tl::params<"b">(d.b));
}

template <class Make>
void run(benchmark::State& state, Make make) {
    data d(state.range(0), state.range(1));
    auto const on = tl::threads(static_cast<std::size_t>(state.range(2)));
    auto step = make(d);
    step(on);
    tl::test::count_allocations count;
    for (auto _ : state) {
        step(on);
        benchmark::DoNotOptimize(step.value());
    }
    tl::bench::report(state, count.count(), 6.0 * blocks * double(state.range(0)) * double(state.range(1) * state.range(1)));
}

void BM_repeat_unrolled(benchmark::State& state) { run(state, unrolled_step); }
void BM_repeat_repeat(benchmark::State& state) { run(state, repeat_step); }

constexpr std::int64_t sizes[][2] = {{64, 64}, {256, 128}, {1024, 256}};

void args(benchmark::internal::Benchmark* b) {
    b->ArgNames({"N", "D", "T"});
    for (std::int64_t t : {1, 2})
        for (auto const& s : sizes) b->Args({s[0], s[1], t});
    b->Unit(benchmark::kMicrosecond);
}

// Both ways agree: loss and every layer's gradients, relative to the largest entry.
bool close(std::string const& what, float const* got, float const* want, std::size_t n) {
    double diff = 0, scale = 0;
    for (std::size_t i = 0; i < n; ++i) {
        diff = std::max(diff, std::abs(double(got[i]) - double(want[i])));
        scale = std::max(scale, std::abs(double(want[i])));
    }
    if (std::isfinite(diff) && diff <= 1e-4 * std::max(scale, 1e-30)) return true;
    std::fprintf(stderr, "tapeless.bench.repeat: %s: repeat differs from unrolled by %g (scale %g)\n", what.c_str(), diff, scale);
    return false;
}
template <class Executor>
bool check(std::int64_t n, std::int64_t dim, Executor const& on) {
    data d(n, dim);
    auto u = unrolled_step(d);
    auto r = repeat_step(d);
    u(on);
    r(on);
    auto l = layer_leaves(d, std::make_index_sequence<blocks>{});
    float const lu = u.value(), lr = r.value();
    bool ok = close("loss", &lr, &lu, 1);
    auto W = tl::params<"w">(d.w);
    auto B = tl::params<"b">(d.b);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((ok = close("w" + std::to_string(I), r.grad(W)[I].data(), u.grad(std::get<I>(l).first).data(), dim * dim) && ok), ...);
        ((ok = close("b" + std::to_string(I), r.grad(B)[I].data(), u.grad(std::get<I>(l).second).data(), dim) && ok), ...);
    }(std::make_index_sequence<blocks>{});
    return ok;
}

} // namespace

BENCHMARK(BM_repeat_unrolled)->Apply(args);
BENCHMARK(BM_repeat_repeat)->Apply(args);

int main(int argc, char** argv) {
    bool listing = false;
    for (int i = 1; i < argc; ++i) listing = listing || std::strncmp(argv[i], "--benchmark_list_tests", 22) == 0;
    if (!listing) {
        bool ok = true;
        for (auto const& s : sizes) ok = check(s[0], s[1], tl::serial) && check(s[0], s[1], tl::threads(2)) && ok;
        if (!ok) {
            std::fprintf(stderr, "tapeless.bench.repeat: the two ways disagree; no benchmark is run\n");
            return 1;
        }
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
