//! @file Defines `describe(step)`: the kernels a compiled step runs, one line each, for humans
//! and for tests that check what was fused.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_PLAN_DUMP_HPP
#define TAPELESS_IO_PLAN_DUMP_HPP

#include "../eval/plan.hpp"
#include "labels.hpp"

#include <array>
#include <string>

namespace tapeless {

//! One line per kernel: "gemm  C = A·Bᵀ" or "loop  [members] over <domain>", in run order.
template <class Plan>
std::string describe_plan() {
    constexpr auto const& a = Plan::a;
    auto names = detail::display_names(typename Plan::nodes{});
    std::string out;
    for (std::size_t g = 0; g < a.ngroups; ++g) {
        auto const& gi = a.groups[g];
        if (gi.gemm) {
            std::size_t c = gi.node;
            out += "gemm  " + names[c] + "\n";
        } else {
            out += "loop  over " + names[gi.node] + ":";
            for (std::size_t m = gi.mbegin; m < gi.mend; ++m) out += "\n        -> " + names[a.members[m]];
            out += "\n";
        }
    }
    return out;
}

//! The kernels of a compiled step (see `describe_plan`).
template <class Step>
std::string describe(Step const&) {
    return describe_plan<typename Step::plan>();
}

} // namespace tapeless

#endif
