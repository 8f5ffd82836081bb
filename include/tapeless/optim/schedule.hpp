//! @file Defines `tapeless::optim::warmup_cosine`, a learning-rate schedule: linear warmup, then cosine decay.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPTIM_SCHEDULE_HPP
#define TAPELESS_OPTIM_SCHEDULE_HPP

#include "../error.hpp"
#include "../tensor/tensor.hpp"

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>

namespace tapeless::optim {

//! Parameters of `warmup_cosine`; designated initializers:
//! `warmup_cosine<float> lr({.peak = 3e-4f, .warmup_steps = 100, .total_steps = 5000})`.
template <element T>
struct warmup_cosine_options {
    T peak = T(1e-3);               //!< the rate at the end of the warmup
    std::uint64_t warmup_steps = 0; //!< steps of linear increase from 0
    std::uint64_t total_steps = 1;  //!< warmup included; afterwards the rate stays at `floor`
    T floor = T(0);                 //!< the rate the cosine decays to
};

//! The learning rate at step t (counted from 0), as Hugging Face's
//! `get_cosine_schedule_with_warmup` with a floor:
//!   t < w:            peak · t / w
//!   w ≤ t ≤ total:    floor + (peak − floor) · (1 + cos(π · (t − w) / (total − w))) / 2
//!   t > total:        floor
//! Set it before each step: `opt.options().lr = lr(t)`. The constructor throws `value_error` for
//! a warmup longer than the schedule, a negative rate or a floor above the peak.
template <element T>
class warmup_cosine {
public:
    using value_type = T;
    using options_type = warmup_cosine_options<T>;

    explicit warmup_cosine(options_type o) : o_(o) {
        auto fail = [](std::string what) { throw value_error("tapeless: warmup_cosine: " + what); };
        if (!(o.peak >= T(0)) || !(o.floor >= T(0)))
            fail("rates must be non-negative numbers (peak " + std::to_string(double(o.peak)) + ", floor " +
                 std::to_string(double(o.floor)) + ")");
        if (o.floor > o.peak)
            fail("the floor " + std::to_string(double(o.floor)) + " is above the peak " + std::to_string(double(o.peak)));
        if (o.total_steps == 0 || o.warmup_steps > o.total_steps)
            fail("warmup_steps " + std::to_string(o.warmup_steps) + " and total_steps " +
                 std::to_string(o.total_steps) + ": the schedule needs 0 <= warmup <= total, total > 0");
    }

    //! The rate at step t.
    [[nodiscard]] T operator()(std::uint64_t t) const {
        if (t < o_.warmup_steps) return T(double(o_.peak) * double(t) / double(o_.warmup_steps));
        if (t >= o_.total_steps) return o_.floor;
        double const progress = double(t - o_.warmup_steps) / double(o_.total_steps - o_.warmup_steps);
        double const k = 0.5 * (1 + std::cos(std::numbers::pi * progress));
        return T(double(o_.floor) + (double(o_.peak) - double(o_.floor)) * k);
    }

    [[nodiscard]] options_type const& options() const { return o_; }

private:
    options_type o_;
};

} // namespace tapeless::optim

#endif
