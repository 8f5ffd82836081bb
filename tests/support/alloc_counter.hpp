//! @file Defines a heap allocation counter for tests, backed by a replaced global operator new.
// SPDX-License-Identifier: BSL-1.0
//
// Usage: in exactly ONE translation unit of each test executable (e.g. its main.cpp),
//
//     #define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
//     #include "support/alloc_counter.hpp"
//
// and include the header plainly everywhere else. The replacement operators cannot be inline (the
// standard forbids it), so a second defining TU is a link error, and with none the counters stay 0.
#ifndef TAPELESS_TEST_SUPPORT_ALLOC_COUNTER_HPP
#define TAPELESS_TEST_SUPPORT_ALLOC_COUNTER_HPP

#include <atomic>
#include <cstdint>

namespace tapeless::test {

namespace detail {
// One process-wide counter, not thread_local: a step that hands work to a thread pool must still
// count that work's allocations. constinit: usable from operator new before any dynamic init.
inline constinit std::atomic<std::uint64_t> allocations{0};
inline constinit std::atomic<std::uint64_t> deallocations{0};
inline constinit std::atomic<std::uint64_t> largest{0};
inline constinit std::atomic<std::uint64_t> limit{0};
} // namespace detail

//! Calls of any global operator new (every form) so far, in all threads.
[[nodiscard]] inline std::uint64_t allocation_count() noexcept {
    return detail::allocations.load(std::memory_order_relaxed);
}
//! Calls of any global operator delete with a non-null pointer so far, in all threads.
[[nodiscard]] inline std::uint64_t deallocation_count() noexcept {
    return detail::deallocations.load(std::memory_order_relaxed);
}

//! The largest single allocation since the last `reset_largest_allocation()`, in bytes.
[[nodiscard]] inline std::uint64_t largest_allocation() noexcept { return detail::largest.load(std::memory_order_relaxed); }
inline void reset_largest_allocation() noexcept { detail::largest.store(0, std::memory_order_relaxed); }

//! While alive, an allocation of more than `bytes` fails (std::bad_alloc) instead of reaching
//! malloc: a test can show that a corrupt size is refused before anything that large is asked for,
//! without risking the memory of the machine it runs on.
class allocation_limit {
public:
    explicit allocation_limit(std::uint64_t bytes) noexcept : old_(detail::limit.exchange(bytes)) {}
    allocation_limit(allocation_limit const&) = delete;
    allocation_limit& operator=(allocation_limit const&) = delete;
    ~allocation_limit() { detail::limit.store(old_); }

private:
    std::uint64_t old_;
};

//! Counts allocations from construction on:
//!   { count_allocations c; step(); BOOST_TEST(c.count() == 0u); }
//! Counts every thread, so keep other threads quiet in the region. The compiler may elide a
//! new/delete pair it can see through ([expr.new]); that only ever lowers the count.
class count_allocations {
public:
    count_allocations() noexcept : start_(allocation_count()), start_free_(deallocation_count()) {}
    [[nodiscard]] std::uint64_t count() const noexcept { return allocation_count() - start_; }
    [[nodiscard]] std::uint64_t frees() const noexcept { return deallocation_count() - start_free_; }

private:
    std::uint64_t start_;
    std::uint64_t start_free_;
};

} // namespace tapeless::test

#endif // TAPELESS_TEST_SUPPORT_ALLOC_COUNTER_HPP

#if defined(TAPELESS_TEST_DEFINE_ALLOC_COUNTER) && !defined(TAPELESS_TEST_SUPPORT_ALLOC_COUNTER_DEFINED)
#define TAPELESS_TEST_SUPPORT_ALLOC_COUNTER_DEFINED

#include <cstddef>
#include <cstdlib>
#include <new>

namespace tapeless::test::detail {

// malloc with the standard new-handler loop: retry while a handler frees memory, else fail.
inline void* counted_alloc(std::size_t size, std::size_t align) noexcept {
    allocations.fetch_add(1, std::memory_order_relaxed);
    for (std::uint64_t l = largest.load(std::memory_order_relaxed); size > l;)
        if (largest.compare_exchange_weak(l, size, std::memory_order_relaxed)) break;
    if (std::uint64_t cap = limit.load(std::memory_order_relaxed); cap && size > cap) return nullptr;
    if (size == 0) size = 1; // new(0) must return a unique pointer
    for (;;) {
        void* p;
        if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) {
            p = std::malloc(size);
        } else {
            // aligned_alloc wants a size that is a multiple of the alignment (C11 7.22.3.1).
            std::size_t rounded = (size + align - 1) / align * align;
            p = rounded < size ? nullptr : std::aligned_alloc(align, rounded);
        }
        if (p) return p;
        std::new_handler handler = std::get_new_handler();
        if (!handler) return nullptr;
        try {
            handler();
        } catch (...) { // a handler that throws bad_alloc: the nothrow forms must still not throw
            return nullptr;
        }
    }
}

inline void* counted_alloc_or_throw(std::size_t size, std::size_t align) {
    if (void* p = counted_alloc(size, align)) return p;
    throw std::bad_alloc();
}

// malloc'd and aligned_alloc'd blocks are both released with free.
inline void counted_free(void* p) noexcept {
    if (!p) return;
    deallocations.fetch_add(1, std::memory_order_relaxed);
    std::free(p);
}

} // namespace tapeless::test::detail

// Replaceable allocation functions ([new.delete]): all 8 new and all 12 delete forms, so no
// allocation reaches the default operator new through a form we forgot.
#define TAPELESS_TEST_AC_ tapeless::test::detail
#define TAPELESS_TEST_AC_PLAIN_ __STDCPP_DEFAULT_NEW_ALIGNMENT__
#define TAPELESS_TEST_AC_ALIGN_ static_cast<std::size_t>(a)

void* operator new(std::size_t n) { return TAPELESS_TEST_AC_::counted_alloc_or_throw(n, TAPELESS_TEST_AC_PLAIN_); }
void* operator new[](std::size_t n) { return TAPELESS_TEST_AC_::counted_alloc_or_throw(n, TAPELESS_TEST_AC_PLAIN_); }
void* operator new(std::size_t n, std::nothrow_t const&) noexcept {
    return TAPELESS_TEST_AC_::counted_alloc(n, TAPELESS_TEST_AC_PLAIN_);
}
void* operator new[](std::size_t n, std::nothrow_t const&) noexcept {
    return TAPELESS_TEST_AC_::counted_alloc(n, TAPELESS_TEST_AC_PLAIN_);
}
void* operator new(std::size_t n, std::align_val_t a) {
    return TAPELESS_TEST_AC_::counted_alloc_or_throw(n, TAPELESS_TEST_AC_ALIGN_);
}
void* operator new[](std::size_t n, std::align_val_t a) {
    return TAPELESS_TEST_AC_::counted_alloc_or_throw(n, TAPELESS_TEST_AC_ALIGN_);
}
void* operator new(std::size_t n, std::align_val_t a, std::nothrow_t const&) noexcept {
    return TAPELESS_TEST_AC_::counted_alloc(n, TAPELESS_TEST_AC_ALIGN_);
}
void* operator new[](std::size_t n, std::align_val_t a, std::nothrow_t const&) noexcept {
    return TAPELESS_TEST_AC_::counted_alloc(n, TAPELESS_TEST_AC_ALIGN_);
}

void operator delete(void* p) noexcept { TAPELESS_TEST_AC_::counted_free(p); }
void operator delete[](void* p) noexcept { TAPELESS_TEST_AC_::counted_free(p); }
void operator delete(void* p, std::nothrow_t const&) noexcept { TAPELESS_TEST_AC_::counted_free(p); }
void operator delete[](void* p, std::nothrow_t const&) noexcept { TAPELESS_TEST_AC_::counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { TAPELESS_TEST_AC_::counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { TAPELESS_TEST_AC_::counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { TAPELESS_TEST_AC_::counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { TAPELESS_TEST_AC_::counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { TAPELESS_TEST_AC_::counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { TAPELESS_TEST_AC_::counted_free(p); }
void operator delete(void* p, std::align_val_t, std::nothrow_t const&) noexcept { TAPELESS_TEST_AC_::counted_free(p); }
void operator delete[](void* p, std::align_val_t, std::nothrow_t const&) noexcept { TAPELESS_TEST_AC_::counted_free(p); }

#undef TAPELESS_TEST_AC_ALIGN_
#undef TAPELESS_TEST_AC_PLAIN_
#undef TAPELESS_TEST_AC_

#endif // TAPELESS_TEST_DEFINE_ALLOC_COUNTER
