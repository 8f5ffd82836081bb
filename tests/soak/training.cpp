// Long runs: 100,000 training steps (seed network, Adam) keep resident memory flat after the first
// step, allocate nothing after it, and end on the same bits every time and on every executor.
// About 15 s in Release on a 2-core machine; `ctest -LE soak` leaves it out.
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "support/alloc_counter.hpp"
#include "support/seed.hpp"

#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace tl = tapeless;

namespace {

// A small problem, but with enough rows that a fused loop over the N x H hidden layer is cut into
// blocks (asserted below), so the threaded runs really share work between threads.
constexpr std::size_t N = 1024, D = 8, H = 16, O = 1;
constexpr std::uint64_t data_seed = 2024;
constexpr std::size_t long_run = 100000, short_run = 2000;
constexpr std::array<std::size_t, 5> checkpoints = {1, 10, 1000, 10000, 100000};

// Resident memory in KiB from /proc/self/status: all of it (VmRSS) and its anonymous part
// (RssAnon: heap, stacks, thread-locals; VmRSS adds file-backed pages such as code). -1 where
// unreadable (not Linux). Reads with open/read into a stack buffer: measuring allocates nothing.
struct resident {
    long all = -1, anon = -1;
};
resident resident_kib() {
    resident r;
    int fd = ::open("/proc/self/status", O_RDONLY);
    if (fd < 0)
        return r;
    char buf[8192];
    std::size_t len = 0;
    for (ssize_t n; len + 1 < sizeof buf && (n = ::read(fd, buf + len, sizeof buf - 1 - len)) > 0;)
        len += static_cast<std::size_t>(n);
    ::close(fd);
    buf[len] = '\0';
    auto field = [&](char const* key) {
        char const* line = std::strstr(buf, key);
        return line ? std::strtol(line + std::strlen(key), nullptr, 10) : -1;
    };
    r.all = field("\nVmRSS:");
    r.anon = field("\nRssAnon:");
    return r;
}

struct run {
    std::vector<float> params;                      // w1, b1, w2, b2 after the last step
    std::array<resident, checkpoints.size()> rss{}; // after each checkpoint step reached
    std::uint64_t allocations = 0;                  // after the first step
    float first_loss = 0, last_loss = 0;
    std::size_t split = 0; // kernels cut into more than one block
    double seconds = 0;
};

// `steps` steps of step + Adam from the same initial state (data and weights fixed by the seed).
template <class Ex>
run train(Ex const& ex, std::size_t steps) {
    tl::test::seed_net<float> s(N, D, H, O, data_seed);
    auto step = s.compile();
    tl::optim::adam<float> opt({.lr = 1e-3f});
    run r;
    r.split =
        static_cast<std::size_t>(std::count_if(step.partitions().begin(), step.partitions().end(),
                                               [](auto const& p) { return p.blocks > 1; }));
    auto const start = std::chrono::steady_clock::now();
    auto one = [&] {
        step(ex);
        opt.step(s.w1, step.grad(s.W1()), s.b1, step.grad(s.B1()), s.w2, step.grad(s.W2()), s.b2,
                 step.grad(s.B2()));
    };
    one(); // binds the Adam state and starts the pool's threads
    r.first_loss = step.value();
    tl::test::count_allocations after_first;
    std::size_t next = 0;
    for (std::size_t i = 1;; ++i) {
        if (next < checkpoints.size() && checkpoints[next] == i)
            r.rss[next++] = resident_kib();
        if (i == steps)
            break;
        one();
    }
    r.allocations = after_first.count();
    r.last_loss = step.value();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (auto const* t : {&s.w1, &s.b1, &s.w2, &s.b2})
        r.params.insert(r.params.end(), t->data(), t->data() + t->size());
    return r;
}

bool same_bits(std::vector<float> const& a, std::vector<float> const& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

bool all_finite(std::vector<float> const& v) {
    return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

} // namespace

BOOST_AUTO_TEST_SUITE(soak_training)

// 100,000 steps on the default executor (every hardware thread): resident memory after step 1 is
// what it is after step 100,000, and a second run from the same initial state, and a serial run,
// end on the same bits.
BOOST_AUTO_TEST_CASE(hundred_thousand_steps_flat_memory_same_bits) {
    run const a = train(tl::threads(), long_run);
    std::cout << "soak: " << long_run << " steps of the seed network (" << N << "x" << D << "x" << H
              << "x" << O << ", float, Adam) on " << tl::num_threads() << " threads in "
              << a.seconds << " s, loss " << a.first_loss << " -> " << a.last_loss << ", "
              << a.split << " kernels split\n"
              << "soak: VmRSS (RssAnon) in KiB after step";
    for (std::size_t k = 0; k < checkpoints.size(); ++k)
        std::cout << " " << checkpoints[k] << ": " << a.rss[k].all << " (" << a.rss[k].anon << ")";
    std::cout << std::endl;

    BOOST_TEST(a.split > 0u); // else the threaded runs would all be serial ones
    BOOST_TEST(all_finite(a.params));
    BOOST_TEST(a.last_loss < a.first_loss);
    BOOST_TEST(a.allocations == 0u);
    // Flat after step 1. Resident memory counts pages touched, not bytes in use, so some pages
    // come in late without anything growing, hence the slack:
    //  - anonymous memory (where a leak would land): 16 pages, for a stack page touched by a
    //    deeper call than before (the test's or the pool worker's) or malloc's top of heap;
    //  - everything: 64 more pages (256 KiB), because file-backed pages (code) are mapped on
    //    first use, 16 at a time (the kernel's 64 KiB fault-around), and some code first runs
    //    late: a rarely taken path (a pool worker's first sleep on its futex, a slow path in
    //    libm's pow in Adam's bias correction), or a page the kernel dropped and read back. Seen
    //    on serial runs too: +56 KiB of RssFile once, between steps 1,000 and 10,000.
    // A leak of one allocation per step (malloc's least chunk is 32 bytes) would add 3 MiB over
    // the run, about 10 times the slack of both; and `allocations` above already counts them.
    long const page_kib = ::sysconf(_SC_PAGESIZE) / 1024;
    long const anon_slack = 16 * page_kib, all_slack = anon_slack + 64 * page_kib;
    for (std::size_t k = 1; k < checkpoints.size(); ++k) {
        BOOST_TEST_CONTEXT("step " << checkpoints[k]) {
            if (a.rss[0].anon >= 0)
                BOOST_TEST(a.rss[k].anon - a.rss[0].anon <= anon_slack);
            if (a.rss[0].all >= 0)
                BOOST_TEST(a.rss[k].all - a.rss[0].all <= all_slack);
        }
    }

    run const again = train(tl::threads(), long_run);
    BOOST_TEST(same_bits(a.params, again.params));
    run const serial = train(tl::serial, long_run);
    BOOST_TEST(same_bits(a.params, serial.params));
    std::cout << "soak: again in " << again.seconds << " s, serial in " << serial.seconds << " s"
              << std::endl;
}

// Shorter runs on every executor end on the serial run's bits.
BOOST_AUTO_TEST_CASE(every_executor_same_bits) {
    run const ref = train(tl::serial, short_run);
    BOOST_TEST(ref.split > 0u);
    BOOST_TEST(all_finite(ref.params));
    BOOST_TEST(same_bits(ref.params, train(tl::threads(1), short_run).params));
    BOOST_TEST(same_bits(ref.params, train(tl::threads(2), short_run).params));
    BOOST_TEST(same_bits(ref.params, train(tl::threads(3), short_run).params));
    BOOST_TEST(same_bits(ref.params, train(tl::threads(), short_run).params));
    BOOST_TEST(same_bits(ref.params, train(tl::serial, short_run).params));
}

BOOST_AUTO_TEST_SUITE_END()
