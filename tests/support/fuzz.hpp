//! @file Defines what the fuzz tests (tests/fuzz) share: seeded generators, runtime extents biased
//! towards 0, 1 and near-misses, outcome classification and the input counts each test reports.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_FUZZ_HPP
#define TAPELESS_TEST_SUPPORT_FUZZ_HPP

#include "random.hpp"

#include <tapeless/error.hpp>
#include <tapeless/tensor/tensor.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace tapeless::test::fuzz {

using tapeless::test::rng;

//! The seed every fuzz test starts from: TAPELESS_FUZZ_SEED (decimal or 0x-hex) if set, else a
//! fixed value. Each input has a generator of its own, derived from (seed, test, input number), so
//! a failure message's three numbers replay that one input.
inline std::uint64_t base_seed() {
    static std::uint64_t const seed = [] {
        char const* env = std::getenv("TAPELESS_FUZZ_SEED");
        return env && *env ? std::strtoull(env, nullptr, 0) : std::uint64_t{0x7a9e1e55f022};
    }();
    return seed;
}

//! Inputs per test: `n` times TAPELESS_FUZZ_SCALE (a positive number, default 1), so CI keeps a
//! short run and a longer one is an environment variable away.
inline std::size_t inputs(std::size_t n) {
    static double const scale = [] {
        char const* env = std::getenv("TAPELESS_FUZZ_SCALE");
        double s = env && *env ? std::strtod(env, nullptr) : 1.0;
        return s > 0 ? s : 1.0;
    }();
    return static_cast<std::size_t>(static_cast<double>(n) * scale) + 1;
}

inline std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

//! FNV-1a of a test's name: its generators differ from every other test's.
inline std::uint64_t name_hash(std::string const& s) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
    return h;
}

//! The generator of input `i` of test `name`.
inline rng input_rng(std::string const& name, std::size_t i) {
    return rng(splitmix64(base_seed() ^ splitmix64(name_hash(name) + i)));
}

//! An integer in [0, n).
inline std::size_t below(rng& g, std::size_t n) { return n ? static_cast<std::size_t>(g() % n) : 0; }
//! True with probability p.
inline bool chance(rng& g, double p) { return uniform01(g) < p; }
//! A runtime extent, 0 and 1 weighted up: the edge cases of broadcasting and empty tensors.
inline std::size_t extent(rng& g) {
    static constexpr std::size_t pick[] = {0, 1, 1, 2, 2, 3, 3, 4, 5, 7};
    return pick[below(g, std::size(pick))];
}
//! `e`, or with probability `p` a fresh random extent (which may happen to equal it).
inline std::size_t perturb(rng& g, std::size_t e, double p) { return chance(g, p) ? extent(g) : e; }

//! How a call ended.
enum class outcome { ok, shape_error, binding_error, value_error, other };

inline char const* to_string(outcome o) {
    switch (o) {
    case outcome::ok: return "success";
    case outcome::shape_error: return "shape_error";
    case outcome::binding_error: return "binding_error";
    case outcome::value_error: return "value_error";
    case outcome::other: return "another exception";
    }
    return "?";
}

//! Inputs tried and how they ended, per test and over the whole run.
struct counts {
    std::size_t inputs = 0, ok = 0, shape_errors = 0, binding_errors = 0, value_errors = 0, other = 0;
    std::size_t other_rejections = 0; //!< in the total: rejections of other code (the IDX reader's)
    counts& operator+=(counts const& o) {
        inputs += o.inputs;
        ok += o.ok;
        shape_errors += o.shape_errors;
        binding_errors += o.binding_errors;
        value_errors += o.value_errors;
        other += o.other;
        other_rejections += o.other_rejections;
        return *this;
    }
    [[nodiscard]] std::string summary(char const* rejection = "shape_error") const {
        std::ostringstream s;
        s << inputs << " inputs, " << ok << " accepted, " << shape_errors << " rejected with " << rejection;
        if (binding_errors) s << ", " << binding_errors << " with binding_error";
        if (value_errors) s << ", " << value_errors << " with value_error";
        if (other_rejections) s << ", " << other_rejections << " with the IDX reader's std::runtime_error";
        if (other) s << ", " << other << " with other exceptions";
        return s.str();
    }
};

//! What every fuzz test of the executable added up; reported by `report_total`.
inline counts& total() {
    static counts c;
    return c;
}

//! One test's tally: reports "fuzz <name>: N inputs, ..." and adds to the total when it ends.
class tally {
public:
    //! `rejection`: what the tested code throws for bad input, counted as `shape_errors`.
    explicit tally(std::string name, char const* rejection = "shape_error")
        : name_(std::move(name)), rejection_(rejection) {}
    tally(tally const&) = delete;
    tally& operator=(tally const&) = delete;
    ~tally() {
        BOOST_TEST(c_.other == 0u, "fuzz " << name_ << ": inputs that ended in another exception");
        BOOST_TEST_MESSAGE("fuzz " << name_ << ": " << c_.summary(rejection_));
        counts c = c_;
        if (std::string(rejection_) != "shape_error") std::swap(c.shape_errors, c.other_rejections);
        total() += c;
    }
    //! Counts one input that ended as `o`.
    void add(outcome o) {
        ++c_.inputs;
        switch (o) {
        case outcome::ok: ++c_.ok; break;
        case outcome::shape_error: ++c_.shape_errors; break;
        case outcome::binding_error: ++c_.binding_errors; break;
        case outcome::value_error: ++c_.value_errors; break;
        case outcome::other: ++c_.other; break;
        }
    }
    [[nodiscard]] std::string const& name() const { return name_; }
    [[nodiscard]] counts const& get() const { return c_; }

private:
    std::string name_;
    char const* rejection_;
    counts c_;
};

//! Runs `f`, classifying how it ended; `message` gets the exception's text. Any exception but
//! tapeless's runtime kinds is an error of the test (reported with `where`).
template <class F>
outcome run(F&& f, std::string& message, std::string const& where) {
    try {
        f();
        return outcome::ok;
    } catch (binding_error const& e) {
        message = e.what();
        return outcome::binding_error;
    } catch (shape_error const& e) {
        message = e.what();
        return outcome::shape_error;
    } catch (value_error const& e) {
        message = e.what();
        return outcome::value_error;
    } catch (std::exception const& e) {
        message = e.what();
    } catch (...) {
        message = "(not a std::exception)";
    }
    BOOST_ERROR(where << ": unexpected exception: " << message);
    return outcome::other;
}

//! "seed S, test T, input I": what a failure message needs to replay one input.
inline std::string where(std::string const& name, std::size_t i) {
    std::ostringstream s;
    s << "fuzz seed 0x" << std::hex << base_seed() << std::dec << ", test " << name << ", input " << i;
    return s.str();
}

//! |a - b| within `tol` relative to max(1, |b|); NaNs equal NaNs, infinities equal themselves.
inline bool close(double a, double b, double tol) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    if (std::isinf(a) || std::isinf(b)) return a == b;
    return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

//! A copy of a tensor's bits, to show later that nothing wrote to it.
template <class T>
struct snapshot {
    T const* data = nullptr;
    tapeless::shape shape{};
    std::vector<T> values;
    template <class X>
    explicit snapshot(X const& x) : data(x.data()), shape{x.rows(), x.cols()}, values(x.data(), x.data() + x.rows() * x.cols()) {}
    template <class X>
    [[nodiscard]] bool unchanged(X const& x) const {
        if (x.data() != data || tapeless::shape{x.rows(), x.cols()} != shape) return false;
        for (std::size_t k = 0; k < values.size(); ++k)
            if (std::memcmp(&values[k], x.data() + k, sizeof(T)) != 0) return false;
        return true;
    }
};

} // namespace tapeless::test::fuzz

#endif
