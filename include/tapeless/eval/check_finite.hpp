//! @file Defines `check_finite(step)`: one call of a compiled step that stops at the first NaN or
//! infinity and names where it came from, by the expression that computed it. Opt-in and free when
//! unused: nothing here is instantiated unless called, and defining `TAPELESS_CHECK_FINITE` before
//! including tapeless makes every `step()` a checked one (for a debug build).
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_CHECK_FINITE_HPP
#define TAPELESS_EVAL_CHECK_FINITE_HPP

#include "../graph/rebuild.hpp"
#include "../error.hpp"
#include "../graph/topological_order.hpp"
#include "../io/labels.hpp"
#include "../exec/executor.hpp"
#include "run_plan.hpp"
#include "label_check.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

namespace tapeless {

namespace detail {
// The first non-finite element of a rows x cols block, as its flat index, or npos.
template <class T>
std::size_t first_non_finite(T const* p, std::size_t n) {
    for (std::size_t e = 0; e < n; ++e)
        if (!std::isfinite(p[e])) return e;
    return npos;
}

template <class T>
std::string where(T v, std::size_t e, shape s) {
    std::string w = detail::format_value(v);
    w += " at row ";
    w += std::to_string(e / s.cols);
    w += ", column ";
    w += std::to_string(e % s.cols);
    return w;
}

//! Runs a step kernel by kernel on this thread, checking its leaves first and then every value a
//! kernel stores as soon as the kernel has run. A friend of `compiled`.
template <class Step>
struct finite_checker {
    using T = typename Step::value_type;
    using plan = typename Step::plan;
    using nodes = detail::nodes_of<typename Step::plan>;

    static void run(Step& step) {
        step.prepare();
        auto& s = step.s_;
        check_leaves(step);
        run_plan_each<plan, T>(s, serial, [&](std::size_t g) {
            for (std::size_t i = 0; i < plan::size; ++i) {
                if (!plan::wanted[i] || plan::info[i].cat == category::immediate || plan::first_write[i] != g) continue;
                std::size_t const e = first_non_finite(s.ptr[i], s.shapes[i].size());
                if (e == npos) continue;
                throw value_error("tapeless: check_finite: " + where(s.ptr[i][e], e, s.shapes[i]) + " of " +
                                  name(i) + ", computed in the " + (forward[i] ? "forward" : "backward") +
                                  " pass (kernel " + std::to_string(g + 1) + " of " +
                                  std::to_string(plan::a.ngroups) + "); every value it read was finite");
            }
        });
        ++s.stream.step;
    }

private:
    // Node i as the user would write it; printed only for the report.
    static std::string name(std::size_t i) { return full_names(nodes{})[i]; }

    // Nodes of the loss's own graph; the rest belong to the reverse sweep.
    static constexpr auto const& forward = Step::derivation::graph.forward;

    static void check_leaves(Step const& step) {
        auto const& s = step.s_;
        for (std::size_t i = 0; i < plan::size; ++i) {
            if (plan::info[i].cat != category::leaf || Step::leaf_slot[i] == npos) continue;
            std::size_t const e = first_non_finite(s.ptr[i], s.shapes[i].size());
            if (e == npos) continue;
            throw value_error("tapeless: check_finite: the tensor bound as '" +
                              std::string(Step::leaf_names[Step::leaf_slot[i]]) + "' holds " +
                              where(s.ptr[i][e], e, s.shapes[i]));
        }
        for (std::size_t i = 0; i < plan::size; ++i) {
            if (plan::info[i].cat != category::immediate) continue;
            if (std::isfinite(s.imm[i])) continue;
            throw value_error("tapeless: check_finite: " + detail::format_value(s.imm[i]) + " in " +
                              name(i) + ", a scalar computed when the step was bound");
        }
    }
};
} // namespace detail

//! One call of `step` (serially) that throws `value_error` at the first NaN or infinity: in a
//! tensor bound to a leaf ("the tensor bound as 'x' holds nan at row 3, column 2"), or else in
//! the first value computed from finite ones, printed as the expression that computed it and
//! whether it belongs to the forward or the backward pass. Values fused inside a loop are not
//! stored, so the report names the stored value they flow into.
template <class Step>
void check_finite(Step& step) {
    detail::finite_checker<Step>::run(step);
}

} // namespace tapeless

#endif
