//! @file Defines the counters every runtime benchmark row reports, and a seeded fill for inputs.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_BENCHMARKS_PROBLEMS_COUNTERS_HPP
#define TAPELESS_BENCHMARKS_PROBLEMS_COUNTERS_HPP

#include "peak_rss.hpp"

#include <tapeless/tensor/tensor.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tapeless::bench {

//! allocs/step (heap allocations counted over the timed loop, per iteration), the process's peak
//! resident memory, and GFLOP/s when `flops` (per iteration) is given.
inline void report(benchmark::State& state, std::uint64_t allocations, double flops = 0) {
    if (flops > 0)
        state.counters["GFLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate,
                                                       benchmark::Counter::kIs1000);
    state.counters["allocs/step"] = benchmark::Counter(double(allocations), benchmark::Counter::kAvgIterations);
    state.counters["peak_RSS_MiB"] = peak_rss_mib();
}

//! Uniform values in [lo, hi) from a seeded generator: the same data on every machine.
inline void fill(Tensor<float>& t, double lo, double hi, std::uint64_t seed) {
    std::mt19937_64 g(seed);
    for (std::size_t i = 0; i < t.size(); ++i)
        t.data()[i] = static_cast<float>(lo + (hi - lo) * static_cast<double>(g() >> 11) * 0x1.0p-53);
}

//! The seed network's sizes (N, D, H, O): several batch sizes and a wider 784-256-10 network, as
//! benchmark arguments; with `threads`, each also at T = 1 and T = 2.
inline void seed_sizes(benchmark::internal::Benchmark* b, bool threads) {
    std::vector<std::string> names{"N", "D", "H", "O"};
    if (threads) names.push_back("T");
    b->ArgNames(names);
    for (std::int64_t t : {1, 2}) {
        if (!threads && t == 2) break;
        for (auto const& s : {std::vector<std::int64_t>{8, 4, 3, 1}, {64, 784, 50, 1}, {1000, 784, 50, 1},
                              {10000, 784, 50, 1}, {256, 784, 256, 10}}) {
            auto args = s;
            if (threads) args.push_back(t);
            b->Args(args);
        }
    }
    b->Unit(benchmark::kMicrosecond);
}

} // namespace tapeless::bench

#endif
