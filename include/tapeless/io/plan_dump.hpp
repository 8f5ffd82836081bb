//! @file Defines `describe(step)`: the kernels a compiled step runs, one line each, for humans
//! and for tests that check what was fused.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_PLAN_DUMP_HPP
#define TAPELESS_IO_PLAN_DUMP_HPP

#include "../graph/rebuild.hpp"
#include "../plan/plan.hpp"
#include "labels.hpp"
#include "plan_facts.hpp"

#include <array>
#include <span>
#include <string>

namespace tapeless {

//! One line per kernel: "gemm  <product>" or "loop  over <domain>:" and a line per value the loop
//! stores, in run order; shared intermediates are named u1, u2, ... and defined at the end. With
//! the shapes a step is bound with (`describe(step)`), sums and counts read as in `to_string`.
//! `outputs[i]`, when given and not empty, says what node i is for the user ("∂loss/∂w1").
template <class Plan>
std::string describe_plan(std::span<shape const> bound = {}, std::span<std::string const> outputs = {}) {
    constexpr auto const& a = Plan::a;
    auto const named = detail::report_names<detail::nodes_of<Plan>>(bound);
    auto const& names = named.names;
    auto value = [&](std::size_t i) {
        return i < outputs.size() && !outputs[i].empty() ? outputs[i] + " = " + names[i] : names[i];
    };
    std::string out;
    for (std::size_t g = 0; g < a.ngroups; ++g) {
        auto const& gi = a.groups[g];
        if (gi.gemm) {
            std::size_t c = gi.node;
            out += "gemm  " + value(c) + "\n";
        } else if (gi.custom || gi.call) { // a kernel of the op's own, named after it
            out += std::string(a.info[gi.node].name) + "  " + value(gi.node) + "\n";
        } else {
            out += "loop  over " + names[gi.node] + ":";
            for (std::size_t m = gi.mbegin; m < gi.mend; ++m) out += "\n        -> " + value(a.members[m]);
            out += "\n";
        }
    }
    return out + detail::where_block(named, "");
}

//! The kernels of a compiled step (see `describe_plan`).
template <class Step>
std::string describe(Step const& step) {
    using plan = typename Step::plan;
    auto outputs = detail::output_names(step);
    // A gradient that is its product's buffer (∂loss/∂w1 = xᵀ·u6) is named at the product.
    for (std::size_t i = 0; i < plan::size; ++i) {
        std::size_t owner = plan::alias_of[i];
        if (owner == detail::npos || outputs[i].empty()) continue;
        while (plan::alias_of[owner] != detail::npos) owner = plan::alias_of[owner];
        outputs[owner] += outputs[owner].empty() ? outputs[i] : ", " + outputs[i];
    }
    return describe_plan<plan>(step.shapes(), outputs);
}

} // namespace tapeless

#endif
