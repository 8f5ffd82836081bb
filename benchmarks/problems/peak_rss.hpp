//! @file Defines `peak_rss_mib`: the process's peak resident set so far, for benchmark counters.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_BENCHMARKS_PROBLEMS_PEAK_RSS_HPP
#define TAPELESS_BENCHMARKS_PROBLEMS_PEAK_RSS_HPP

#include <sys/resource.h>

namespace tapeless::bench {

//! Peak resident memory of this process so far, MiB (getrusage; Linux reports ru_maxrss in KiB).
//! A high-water mark: it covers everything the process did before, so one row per process
//! (--benchmark_filter) makes it the row's own peak.
inline double peak_rss_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;
}

} // namespace tapeless::bench

#endif
