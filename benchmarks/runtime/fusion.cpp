// What fusion buys where a tape cannot follow: one training step (loss and gradients, no update),
// float, tapeless `compile` against the runtime tape `tapeless::tape` on the same model and data.
// A tape computes one op at a time, each op reading and writing a full tensor and recording a node;
// a compiled step fuses the elementwise chain into few passes over memory.
// Models:
//   elementwise    p (R x C, the parameter) and x (R x C, an input):
//                    a = tanh(p); b = exp(square(a) * -0.5); s = sigmoid(p);
//                    loss = mean(sqrt(softplus(b * x + s)))
//                  (tanh, square, scale, exp, sigmoid, multiply, add, softplus, sqrt, then a mean),
//                  gradient wrt p; at 1000 x 4096 (memory-bound) and 8 x 4 (overhead-bound);
//   layernorm_mlp  x (N x D) -> h = lin(x, w1, b1) -> per row n = (h - mean_rows(h)) /
//                  sqrt(mean_rows(square(h - mean_rows(h))) + 1e-5) -> relu -> lin(., w2, b2) -> mse
//                  against y (N x O), gradients wrt w1, b1, w2, b2; at (N, D, H, O) = (1000, 256, 256,
//                  10) and the seed's (8, 4, 3, 1);
//   layer_norm_op_mlp  the same with `tl::layer_norm` (gain 1, bias 0) on both sides: one op with a
//                  kernel of its own each way in tapeless, one fused node on the tape.
// Rows: BM_fusion_<model>_tapeless/<sizes>/T:<threads> (step(tl::threads(T)), T = 1 and 2) and
// BM_fusion_<model>_tape/<sizes> (one thread; the tape cleared and re-recorded every step, its
// arena reused). Counters: heap allocations per step and the process's peak resident memory so far
// (scripts/bench.sh runs each row in its own process). Before any row runs, a child process checks
// that tapeless's loss and gradients match the tape's (relative 1e-4) at every size, serial and on
// 2 threads, and the program stops if they do not: no row times a wrong computation. A child, so
// that the check's memory is not in any row's peak.
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "problems/counters.hpp"
#include "problems/mlp.hpp"
#include "problems/peak_rss.hpp"
#include "support/alloc_counter.hpp"

#include <tapeless/tape/all.hpp>
#include <tapeless/tapeless.hpp>

#include <benchmark/benchmark.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tl = tapeless;

namespace {



// ---- elementwise --------------------------------------------------------------------------------

struct elementwise_data {
    tl::Tensor<float> p, x;
    elementwise_data(std::size_t r, std::size_t c) : p(r, c), x(r, c) {
        tl::bench::fill(p, -2, 2, 1), tl::bench::fill(x, -1, 1, 2);
    }
};

// The same formula for both: the tapeless expression and the tape's recording.
template <class P, class X>
auto elementwise_tapeless_loss(P const& p, X const& x) {
    auto a = tl::tanh(p);
    auto b = tl::exp(tl::square(a) * -0.5f);
    auto s = tl::sigmoid(p);
    return tl::mean(tl::sqrt(tl::softplus(b * x + s)));
}

struct elementwise_tape {
    tl::tape::tape<float> t;
    tl::TensorView<float const> gp; //!< gradient of the last step (valid until the next)
    float step(elementwise_data const& d) {
        namespace tp = tl::tape;
        t.clear();
        auto p = t.param(d.p);
        auto x = t.input(d.x);
        auto a = tp::tanh(p);
        auto b = tp::exp(tp::square(a) * -0.5f);
        auto s = tp::sigmoid(p);
        auto loss = tp::mean(tp::sqrt(tp::softplus(b * x + s)));
        t.backward(loss);
        gp = t.grad(p);
        return loss.item();
    }
};

// A compiled elementwise step on d, with its leaves (kept alive beside the step).
struct elementwise_compiled {
    decltype(tl::param<"p">(std::declval<tl::Tensor<float> const&>())) P;
    decltype(tl::input<"x">(std::declval<tl::Tensor<float> const&>())) X;
    decltype(tl::compile(elementwise_tapeless_loss(P, X), P)) step;
    explicit elementwise_compiled(elementwise_data const& d)
        : P(tl::param<"p">(d.p)), X(tl::input<"x">(d.x)), step(tl::compile(elementwise_tapeless_loss(P, X), P)) {}
};

void BM_fusion_elementwise_tapeless(benchmark::State& state) {
    elementwise_data d(state.range(0), state.range(1));
    auto const on = tl::threads(static_cast<std::size_t>(state.range(2)));
    elementwise_compiled c(d);
    c.step(on);
    tl::test::count_allocations count;
    for (auto _ : state) {
        c.step(on);
        benchmark::DoNotOptimize(c.step.value());
        benchmark::DoNotOptimize(c.step.grad(c.P).data());
    }
    tl::bench::report(state, count.count());
}

void BM_fusion_elementwise_tape(benchmark::State& state) {
    elementwise_data d(state.range(0), state.range(1));
    elementwise_tape m;
    m.step(d);
    tl::test::count_allocations count;
    for (auto _ : state) {
        benchmark::DoNotOptimize(m.step(d));
        benchmark::DoNotOptimize(m.gp.data());
    }
    tl::bench::report(state, count.count());
}

// ---- layer-normalised MLP -----------------------------------------------------------------------

// Op: `tl::layer_norm` (one op, a kernel each way; gain 1 and bias 0 as inputs) on both sides,
// else the normalisation written from mean_rows, square, sqrt and / on both sides.
template <bool Op>
struct layernorm_compiled {
    decltype(tl::param<"w1">(std::declval<tl::Tensor<float> const&>())) W1;
    decltype(tl::param<"b1">(std::declval<tl::Tensor<float> const&>())) B1;
    decltype(tl::param<"w2">(std::declval<tl::Tensor<float> const&>())) W2;
    decltype(tl::param<"b2">(std::declval<tl::Tensor<float> const&>())) B2;
    decltype(tl::input<"x">(std::declval<tl::Tensor<float> const&>())) X;
    decltype(tl::input<"y">(std::declval<tl::Tensor<float> const&>())) Y;
    decltype(tl::input<"g">(std::declval<tl::Tensor<float> const&>())) G;
    decltype(tl::input<"beta">(std::declval<tl::Tensor<float> const&>())) Beta;

    static auto loss(auto const& w1, auto const& b1, auto const& w2, auto const& b2, auto const& x, auto const& y,
                     auto const& g, auto const& beta) {
        auto h = tl::lin(x, w1, b1);
        auto n = [&] {
            if constexpr (Op) {
                return tl::layer_norm(h, g, beta);
            } else {
                auto c = h - tl::mean_rows(h);
                return c / tl::sqrt(tl::mean_rows(tl::square(c)) + 1e-5f);
            }
        }();
        return tl::mse(tl::lin(tl::relu(n), w2, b2), y);
    }
    decltype(tl::compile(loss(W1, B1, W2, B2, X, Y, G, Beta), W1, B1, W2, B2)) step;
    explicit layernorm_compiled(tl::bench::mlp_data<float> const& p, tl::Tensor<float> const& ones,
                                tl::Tensor<float> const& zeros)
        : W1(tl::param<"w1">(p.w1)), B1(tl::param<"b1">(p.b1)), W2(tl::param<"w2">(p.w2)),
          B2(tl::param<"b2">(p.b2)), X(tl::input<"x">(p.x)), Y(tl::input<"y">(p.y)), G(tl::input<"g">(ones)),
          Beta(tl::input<"beta">(zeros)), step(tl::compile(loss(W1, B1, W2, B2, X, Y, G, Beta), W1, B1, W2, B2)) {}
};

template <bool Op>
struct layernorm_tape {
    tl::tape::tape<float> t;
    tl::TensorView<float const> gw1, gb1, gw2, gb2; //!< gradients of the last step
    float step(tl::bench::mlp_data<float> const& p, tl::Tensor<float> const& ones, tl::Tensor<float> const& zeros) {
        namespace tp = tl::tape;
        t.clear();
        auto w1 = t.param(p.w1), b1 = t.param(p.b1), w2 = t.param(p.w2), b2 = t.param(p.b2);
        auto h = tp::lin(t.input(p.x), w1, b1);
        auto n = [&] {
            if constexpr (Op) {
                return tp::layer_norm(h, t.input(ones), t.input(zeros));
            } else {
                auto c = h - tp::mean_rows(h);
                return c / tp::sqrt(tp::mean_rows(tp::square(c)) + 1e-5f);
            }
        }();
        auto loss = tp::mse(tp::lin(tp::relu(n), w2, b2), t.input(p.y));
        t.backward(loss);
        gw1 = t.grad(w1), gb1 = t.grad(b1), gw2 = t.grad(w2), gb2 = t.grad(b2);
        return loss.item();
    }
};

// The model's data, and the gain (ones) and bias (zeros) the `layer_norm` variant reads.
struct layernorm_data {
    tl::bench::mlp_data<float> p;
    tl::Tensor<float> ones, zeros;
    layernorm_data(std::int64_t n, std::int64_t d, std::int64_t h, std::int64_t o)
        : p(n, d, h, o), ones(1, static_cast<std::size_t>(h), 1.0f), zeros(1, static_cast<std::size_t>(h), 0.0f) {
        tl::bench::fill_mlp_data(p);
    }
    explicit layernorm_data(benchmark::State const& state)
        : layernorm_data(state.range(0), state.range(1), state.range(2), state.range(3)) {}
};

template <bool Op>
void BM_fusion_layernorm_tapeless(benchmark::State& state) {
    layernorm_data d(state);
    auto const on = tl::threads(static_cast<std::size_t>(state.range(4)));
    layernorm_compiled<Op> c(d.p, d.ones, d.zeros);
    c.step(on);
    tl::test::count_allocations count;
    for (auto _ : state) {
        c.step(on);
        benchmark::DoNotOptimize(c.step.value());
        benchmark::DoNotOptimize(c.step.grad(c.W1).data());
    }
    tl::bench::report(state, count.count());
}

template <bool Op>
void BM_fusion_layernorm_tape(benchmark::State& state) {
    layernorm_data d(state);
    layernorm_tape<Op> m;
    m.step(d.p, d.ones, d.zeros);
    tl::test::count_allocations count;
    for (auto _ : state) {
        benchmark::DoNotOptimize(m.step(d.p, d.ones, d.zeros));
        benchmark::DoNotOptimize(m.gw1.data());
    }
    tl::bench::report(state, count.count());
}
void BM_fusion_layernorm_mlp_tapeless(benchmark::State& state) { BM_fusion_layernorm_tapeless<false>(state); }
void BM_fusion_layernorm_mlp_tape(benchmark::State& state) { BM_fusion_layernorm_tape<false>(state); }
void BM_fusion_layer_norm_op_mlp_tapeless(benchmark::State& state) { BM_fusion_layernorm_tapeless<true>(state); }
void BM_fusion_layer_norm_op_mlp_tape(benchmark::State& state) { BM_fusion_layernorm_tape<true>(state); }

// ---- sizes --------------------------------------------------------------------------------------

constexpr std::int64_t elementwise_sizes[][2] = {{1000, 4096}, {8, 4}};
constexpr std::int64_t layernorm_sizes[][4] = {{1000, 256, 256, 10}, {8, 4, 3, 1}};

void elementwise_args(benchmark::internal::Benchmark* b, bool threads) {
    b->ArgNames(threads ? std::vector<std::string>{"R", "C", "T"} : std::vector<std::string>{"R", "C"});
    for (auto const& s : elementwise_sizes)
        for (std::int64_t t : {1, 2})
            if (threads) b->Args({s[0], s[1], t});
            else if (t == 1) b->Args({s[0], s[1]});
    b->Unit(benchmark::kMicrosecond);
}

void layernorm_args(benchmark::internal::Benchmark* b, bool threads) {
    b->ArgNames(threads ? std::vector<std::string>{"N", "D", "H", "O", "T"}
                        : std::vector<std::string>{"N", "D", "H", "O"});
    for (auto const& s : layernorm_sizes)
        for (std::int64_t t : {1, 2})
            if (threads) b->Args({s[0], s[1], s[2], s[3], t});
            else if (t == 1) b->Args({s[0], s[1], s[2], s[3]});
    b->Unit(benchmark::kMicrosecond);
}

// ---- the check ----------------------------------------------------------------------------------

constexpr double tolerance = 1e-4;

// Whether `got` equals `want` to `tolerance` relative to the largest |want| (one figure for the whole
// tensor: elementwise relative errors are meaningless where the gradient is near zero).
bool close(char const* what, std::string const& where, float const* got, float const* want, std::size_t n) {
    double diff = 0, scale = 0;
    bool finite = true;
    for (std::size_t i = 0; i < n; ++i) {
        finite = finite && std::isfinite(got[i]) && std::isfinite(want[i]);
        diff = std::max(diff, std::abs(double(got[i]) - double(want[i])));
        scale = std::max(scale, std::abs(double(want[i])));
    }
    if (finite && diff <= tolerance * scale) return true;
    std::fprintf(stderr,
                 "tapeless.bench.fusion: %s, %s: tapeless differs from the tape: max |difference| %g, "
                 "max |tape| %g (relative tolerance %g)%s\n",
                 where.c_str(), what, diff, scale, tolerance, finite ? "" : ", not finite");
    return false;
}

template <class Executor>
bool check_elementwise(std::int64_t r, std::int64_t c, Executor const& on, char const* how) {
    elementwise_data d(r, c);
    elementwise_compiled comp(d);
    elementwise_tape ref;
    comp.step(on);
    float want = ref.step(d), got = comp.step.value();
    std::string where = "elementwise " + std::to_string(r) + "x" + std::to_string(c) + ", " + how;
    bool ok = close("loss", where, &got, &want, 1);
    auto g = comp.step.grad(comp.P);
    return close("d loss / d p", where, g.data(), ref.gp.data(), ref.gp.size()) && ok;
}

template <bool Op, class Executor>
bool check_layernorm(std::int64_t const (&s)[4], Executor const& on, char const* how) {
    layernorm_data d(s[0], s[1], s[2], s[3]);
    layernorm_compiled<Op> comp(d.p, d.ones, d.zeros);
    layernorm_tape<Op> ref;
    comp.step(on);
    float want = ref.step(d.p, d.ones, d.zeros), got = comp.step.value();
    std::string where = std::string(Op ? "layer_norm_op_mlp (" : "layernorm_mlp (") + std::to_string(s[0]) + ", " +
                        std::to_string(s[1]) + ", " + std::to_string(s[2]) + ", " + std::to_string(s[3]) + "), " + how;
    bool ok = close("loss", where, &got, &want, 1);
    auto const& st = comp.step;
    ok = close("d loss / d w1", where, st.grad(comp.W1).data(), ref.gw1.data(), ref.gw1.size()) && ok;
    ok = close("d loss / d b1", where, st.grad(comp.B1).data(), ref.gb1.data(), ref.gb1.size()) && ok;
    ok = close("d loss / d w2", where, st.grad(comp.W2).data(), ref.gw2.data(), ref.gw2.size()) && ok;
    ok = close("d loss / d b2", where, st.grad(comp.B2).data(), ref.gb2.data(), ref.gb2.size()) && ok;
    return ok;
}

bool check_all() {
    bool ok = true;
    for (auto const& s : elementwise_sizes) {
        ok = check_elementwise(s[0], s[1], tl::serial, "serial") && ok;
        ok = check_elementwise(s[0], s[1], tl::threads(2), "2 threads") && ok;
    }
    for (auto const& s : layernorm_sizes) {
        ok = check_layernorm<false>(s, tl::serial, "serial") && ok;
        ok = check_layernorm<false>(s, tl::threads(2), "2 threads") && ok;
        ok = check_layernorm<true>(s, tl::serial, "serial") && ok;
        ok = check_layernorm<true>(s, tl::threads(2), "2 threads") && ok;
    }
    return ok;
}

// Runs check_all in a child process (its memory stays out of the rows' peak RSS; no thread of
// tapeless's pool exists yet in this process, so forking is safe) and returns whether it passed.
bool check_in_child() {
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid < 0) {
        std::perror("tapeless.bench.fusion: fork");
        return false;
    }
    if (pid == 0) {
        bool ok = false;
        try {
            ok = check_all();
        } catch (std::exception const& e) {
            std::fprintf(stderr, "tapeless.bench.fusion: check threw: %s\n", e.what());
        }
        std::fflush(nullptr);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace

BENCHMARK(BM_fusion_elementwise_tapeless)->Apply([](auto* b) { elementwise_args(b, true); });
BENCHMARK(BM_fusion_elementwise_tape)->Apply([](auto* b) { elementwise_args(b, false); });
BENCHMARK(BM_fusion_layernorm_mlp_tapeless)->Apply([](auto* b) { layernorm_args(b, true); });
BENCHMARK(BM_fusion_layernorm_mlp_tape)->Apply([](auto* b) { layernorm_args(b, false); });
BENCHMARK(BM_fusion_layer_norm_op_mlp_tapeless)->Apply([](auto* b) { layernorm_args(b, true); });
BENCHMARK(BM_fusion_layer_norm_op_mlp_tape)->Apply([](auto* b) { layernorm_args(b, false); });

int main(int argc, char** argv) {
    bool listing = false;
    for (int i = 1; i < argc; ++i) listing = listing || std::strncmp(argv[i], "--benchmark_list_tests", 22) == 0;
    if (!listing && !check_in_child()) {
        std::fprintf(stderr, "tapeless.bench.fusion: tapeless and the tape disagree; no benchmark is run\n");
        return 1;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
