//! @file Defines the thread pool every threaded step shares, and the thread count users set.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXEC_POOL_HPP
#define TAPELESS_EXEC_POOL_HPP

#include "../error.hpp"
#include "task.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tapeless {

namespace exec {

namespace detail {

inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
}

//! The thread count a step uses when the user has set none: `TAPELESS_NUM_THREADS`, else every
//! hardware thread. Read once, at the first step.
inline std::size_t default_threads() {
    if (char const* env = std::getenv("TAPELESS_NUM_THREADS"); env && *env) {
        char* end = nullptr;
        long n = std::strtol(env, &end, 10);
        if (*end != '\0' || n < 1 || n > 4096)
            throw error(std::string("tapeless: TAPELESS_NUM_THREADS must be a whole number from 1 to 4096, not '") +
                        env + "'");
        return static_cast<std::size_t>(n);
    }
    unsigned hw = std::thread::hardware_concurrency();
    return hw ? hw : 1;
}

//! Persistent workers that run one task at a time. The caller runs blocks too, so a task on n
//! threads wakes n - 1 workers. Blocks are claimed one at a time from a counter: which thread runs
//! a block never changes what the block computes, so results do not depend on the thread count.
//! The caller waits for its blocks to be done, never for a worker to show up: a worker the OS has
//! not scheduled yet simply claims nothing. Workers spin briefly between tasks (a step runs many
//! kernels back to back), then sleep on a futex (`std::atomic::wait`): an idle pool costs nothing.
class pool {
public:
    static pool& instance() {
        static pool p;
        return p;
    }

    pool(pool const&) = delete;
    pool& operator=(pool const&) = delete;
    ~pool() {
        stop_.store(true);
        epoch_.fetch_add(epoch_step);
        epoch_.notify_all();
        for (auto& t : workers_) t.join();
    }

    //! Starts workers until `threads - 1` exist (never stops any): done when a step is bound, so
    //! running a step creates no thread and allocates nothing.
    void reserve(std::size_t threads) {
        if (started_.load(std::memory_order_relaxed) + 1 >= threads) return; // every step after the first
        std::lock_guard lock(grow_);
        while (workers_.size() + 1 < threads) {
            std::size_t id = workers_.size();
            workers_.emplace_back([this, id] { work(id); });
            started_.fetch_add(1);
        }
    }

    //! Runs `t` on up to `threads` threads (the caller included) and returns when every block is
    //! done. If another thread is using the pool, the caller runs every block itself: same result.
    void run(task const& t, std::size_t threads) {
        std::size_t helpers = threads - 1;
        if (helpers > started_.load()) helpers = started_.load();
        if (helpers > t.blocks - 1) helpers = t.blocks - 1;
        if (helpers == 0 || t.blocks >= max_blocks || busy_.test_and_set(std::memory_order_acquire)) {
            for (std::size_t b = 0; b < t.blocks; ++b) t.fn(t.ctx, b);
            return;
        }
        task_ = t;
        done_.store(0, std::memory_order_relaxed);
        // The epoch names the task (its tag) and how many workers may help, so a worker that is
        // not needed reads nothing else.
        std::uint64_t e = (epoch_.load(std::memory_order_relaxed) & ~(epoch_step - 1)) + epoch_step + helpers;
        std::uint64_t const tag = tag_of(e);
        claim_.store(tag << 40 | std::uint64_t(t.blocks) << 20, std::memory_order_release);
        epoch_.store(e, std::memory_order_seq_cst);
        if (sleeping_.load(std::memory_order_seq_cst) > 0) epoch_.notify_all();
        drain(tag);
        for (unsigned spins = 0; done_.load(std::memory_order_acquire) != t.blocks; ++spins)
            spins < 1u << 14 ? relax() : std::this_thread::yield();
        busy_.clear(std::memory_order_release);
    }

private:
    static constexpr std::uint64_t epoch_step = std::uint64_t(1) << 16;
    // The claim word: task tag (24 bits) | block count (20) | next block (20). A worker claims a
    // block only while the tag is the one it woke for, so a late worker never takes a block of a
    // later task, and it reads the task only after claiming one of its blocks, which the caller
    // cannot have finished.
    static constexpr std::uint64_t tag_mask = (std::uint64_t(1) << 24) - 1, field = (1u << 20) - 1;
    static constexpr std::size_t max_blocks = field / 2;
    static constexpr std::uint64_t tag_of(std::uint64_t epoch) { return (epoch >> 16) & tag_mask; }

    pool() = default;

    void drain(std::uint64_t tag) {
        std::uint64_t w = claim_.load(std::memory_order_acquire);
        for (;;) {
            if ((w >> 40) != tag || (w & field) >= ((w >> 20) & field)) return;
            if (!claim_.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel, std::memory_order_acquire))
                continue;
            task_.fn(task_.ctx, w & field);
            done_.fetch_add(1, std::memory_order_release);
            w = claim_.load(std::memory_order_acquire);
        }
    }

    void work(std::size_t id) {
        std::uint64_t seen = 0;
        for (;;) {
            std::uint64_t e = wait_for_change(seen);
            seen = e;
            if (stop_.load()) return;
            if (id >= (e & (epoch_step - 1))) continue; // not needed for this task
            drain(tag_of(e));
        }
    }

    // About 50 µs of spinning covers the gap between two kernels of a step; then sleep.
    std::uint64_t wait_for_change(std::uint64_t seen) {
        for (unsigned spins = 0; spins < 1u << 12; ++spins) {
            std::uint64_t e = epoch_.load(std::memory_order_acquire);
            if (e != seen) return e;
            relax();
        }
        sleeping_.fetch_add(1, std::memory_order_seq_cst);
        while (epoch_.load(std::memory_order_seq_cst) == seen) epoch_.wait(seen, std::memory_order_seq_cst);
        sleeping_.fetch_sub(1, std::memory_order_relaxed);
        return epoch_.load(std::memory_order_acquire);
    }

    task task_{};
    std::atomic<std::uint64_t> claim_{0}, epoch_{0};
    std::atomic<std::size_t> done_{0}, started_{0};
    std::atomic<int> sleeping_{0};
    std::atomic<bool> stop_{false};
    std::atomic_flag busy_ = ATOMIC_FLAG_INIT;
    std::mutex grow_;
    std::vector<std::thread> workers_;
};

inline std::atomic<std::size_t>& thread_setting() {
    static std::atomic<std::size_t> n{0}; // 0: not set by the user
    return n;
}

} // namespace detail
} // namespace exec

//! Threads a step uses by default: set by `set_num_threads`, else `TAPELESS_NUM_THREADS`, else
//! every hardware thread.
inline std::size_t num_threads() {
    std::size_t n = exec::detail::thread_setting().load();
    if (n == 0) {
        static std::size_t const fallback = exec::detail::default_threads();
        n = fallback;
    }
    return n;
}

//! Sets the default thread count of every step (0 restores `TAPELESS_NUM_THREADS` / hardware).
//! Results do not depend on it: only how fast they come.
inline void set_num_threads(std::size_t n) {
    exec::detail::thread_setting().store(n);
}

} // namespace tapeless

#endif
