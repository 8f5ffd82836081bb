//! @file Defines `run_plan`: a plan's kernels run in order on an executor, and `choose_variants`,
//! which fixes each kernel's variant and blocks when a step is bound.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_RUN_PLAN_HPP
#define TAPELESS_EVAL_RUN_PLAN_HPP

#include "../config.hpp"
#include "../exec/partition.hpp"
#include "../exec/task.hpp"
#include "../plan/plan.hpp"
#include "bound_state.hpp"
#include "call_kernel.hpp"
#include "custom_kernel.hpp"
#include "gemm_kernel.hpp"
#include "loop_kernel.hpp"

#include <array>
#include <cstddef>
#include <initializer_list>
#include <type_traits>
#include <utility>

namespace tapeless::detail {

//! What an executor runs for one block: the kernel's references and its bind-time choices.
template <class T>
struct block_context {
    node_refs<T> refs;
    unsigned variant;
    exec::partition const* part;
    T* scratch;
};

template <class K, class T>
void run_one_block(void const* ctx, std::size_t b) {
    auto const& c = *static_cast<block_context<T> const*>(ctx);
    K::run_block(c.refs, c.variant, *c.part, b, c.scratch);
}

template <class K, class T>
void finish_one_block(void const* ctx, std::size_t b) {
    auto const& c = *static_cast<block_context<T> const*>(ctx);
    K::finish_block(c.refs, *c.part, b, c.scratch);
}

//! One kernel on an executor: whole when it has one block (no hand-off: tiny steps pay nothing),
//! else what its blocks share, then its blocks on the executor, then their partial results
//! combined in block order.
template <class K, class T, class Ex>
TAPELESS_ALWAYS_INLINE void run_kernel(node_refs<T> const& r, unsigned variant, exec::partition const& p, T* scratch,
                                       Ex const& ex) {
    if (p.blocks == 1) {
        if constexpr (requires { K::whole_needs_scratch; }) K::run_block(r, variant, p, 0, scratch);
        else K::run(r, variant);
        return;
    }
    K::prepare(r, variant, p, scratch);
    block_context<T> c{r, variant, &p, scratch};
    ex(exec::task{&run_one_block<K, T>, &c, p.blocks});
    if constexpr (requires { K::finish_in_blocks; }) ex(exec::task{&finish_one_block<K, T>, &c, p.blocks});
    else K::finish(r, p, scratch);
}

template <class Plan, class T, std::size_t G>
struct kernel_of {
    using type = std::conditional_t<Plan::a.groups[G].gemm, gemm_kernel<T, Plan::template gemm<G>>,
                                    loop_kernel<T, Plan::template loop<G>, typename Plan::ops>>;
};
template <class Plan, class T, std::size_t G>
    requires(Plan::a.groups[G].call)
struct kernel_of<Plan, T, G> {
    using type = call_kernel<T, at_t<Plan::info[Plan::a.groups[G].node].op, typename Plan::ops>>;
};
template <class Plan, class T, std::size_t G>
    requires(Plan::a.groups[G].custom)
struct kernel_of<Plan, T, G> {
    using type = custom_kernel<T, at_t<Plan::info[Plan::a.groups[G].node].op, typename Plan::ops>>;
};
//! The kernel type of group G: named, not instantiated, for the group that is not of its kind.
template <class Plan, class T, std::size_t G>
using kernel_t = typename kernel_of<Plan, T, G>::type;

//! A kernel of either kind: a call runs on its bound object, the others on their references.
template <class K, class T, class Ex>
TAPELESS_ALWAYS_INLINE void run_group(node_refs<T> const& r, unsigned variant, exec::partition const& p, T* scratch,
                                      void* call, Ex const& ex) {
    if constexpr (requires { K::is_call; }) K::run(call, ex);
    else run_kernel<K>(r, variant, p, scratch, ex);
}

// Plans of up to this many kernels run as a straight line of calls, each kernel inlined where it
// runs; larger ones from a table with one entry per kernel, so their code is one function per
// distinct kernel whatever the depth (a 16-block residual network's straight line was 49 KB of
// code and most of its compile time).
inline constexpr std::size_t max_unrolled_kernels = 24;

template <class Plan, class T, std::size_t N, std::size_t NG, std::size_t R>
node_refs<T> refs_at(state<T, N, NG, R> const& s, std::size_t g) {
    std::size_t const b = Plan::ref_begin[g];
    return {s.rptr.data() + b, s.rshape.data() + b, s.rimm.data() + b, Plan::refs.data() + b, &s.stream};
}

template <class K, class T, class Ex>
void run_kernel_fn(node_refs<T> const& r, unsigned variant, exec::partition const& p, T* scratch, void* call,
                   Ex const& ex) {
    run_group<K>(r, variant, p, scratch, call, ex);
}
template <class Plan, class T, class Ex>
inline constexpr auto kernel_table = []<std::size_t... G>(std::index_sequence<G...>) {
    using fn = void (*)(node_refs<T> const&, unsigned, exec::partition const&, T*, void*, Ex const&);
    return std::array<fn, sizeof...(G)>{&run_kernel_fn<kernel_t<Plan, T, G>, T, Ex>...};
}(std::make_index_sequence<Plan::a.ngroups>{});

//! Runs every kernel of the plan in order on executor `ex`: a straight line of calls for small
//! plans, a loop over a table of kernels for large ones (see `max_unrolled_kernels`).
// Braced lists rather than comma folds (clang caps a fold at 256 operands) and one lambda for the
// whole plan rather than one per kernel (each would carry the plan's long name).
template <class Plan, class T, class State, class Ex>
void run_plan(State& s, Ex const& ex) {
    if constexpr (Plan::a.ngroups <= max_unrolled_kernels) {
        [&]<std::size_t... G>(std::index_sequence<G...>) {
            (void)std::initializer_list<int>{
                (run_group<kernel_t<Plan, T, G>>(refs_of<Plan, G>(s), s.variant[G], s.part[G], s.scratch, s.call[G],
                                                 ex),
                 0)...,
                0};
        }(std::make_index_sequence<Plan::a.ngroups>{});
    } else {
        constexpr auto const& table = kernel_table<Plan, T, Ex>;
        for (std::size_t g = 0; g < Plan::a.ngroups; ++g)
            table[g](refs_at<Plan>(s, g), s.variant[g], s.part[g], s.scratch, s.call[g], ex);
    }
}

//! Kernels [first, last) of the plan, from the table: one phase of a `repeat` block's plan.
template <class Plan, class T, class State, class Ex>
void run_kernels(State& s, Ex const& ex, std::size_t first, std::size_t last) {
    constexpr auto const& table = kernel_table<Plan, T, Ex>;
    for (std::size_t g = first; g < last; ++g) table[g](refs_at<Plan>(s, g), s.variant[g], s.part[g], s.scratch, s.call[g], ex);
}

//! The same on this thread, calling `after(g)` once kernel g has run: for tools that look at each
//! kernel's results as they appear (`check_finite`). Instantiated only where such a tool is used.
template <class Plan, class T, class State, class Ex, class After>
void run_plan_each(State& s, Ex const& ex, After&& after) {
    constexpr auto const& table = kernel_table<Plan, T, Ex>;
    for (std::size_t g = 0; g < Plan::a.ngroups; ++g) {
        table[g](refs_at<Plan>(s, g), s.variant[g], s.part[g], s.scratch, s.call[g], ex);
        after(g);
    }
}

template <class K, class T>
exec::partition choose_fn(node_refs<T> const& r, unsigned& variant) {
    variant = K::choose(r);
    return K::split(r);
}

//! Fixes each kernel's variant (loop shape, or product backend) and blocks for the bound shapes;
//! returns the scratch the split kernels' partial results need, in elements. Once per bind: a
//! table, never a straight line.
template <class Plan, class T, class State>
std::size_t choose_variants(State& s) {
    using fn = exec::partition (*)(node_refs<T> const&, unsigned&);
    static constexpr auto table = []<std::size_t... G>(std::index_sequence<G...>) {
        return std::array<fn, sizeof...(G) + 1>{&choose_fn<kernel_t<Plan, T, G>, T>..., nullptr};
    }(std::make_index_sequence<Plan::a.ngroups>{});
    std::size_t scratch = 0;
    for (std::size_t g = 0; g < Plan::a.ngroups; ++g) {
        s.part[g] = table[g](refs_at<Plan>(s, g), s.variant[g]);
        s.part[g].scratch = scratch;
        scratch += s.part[g].scratch_size();
    }
    return scratch;
}

} // namespace tapeless::detail

#endif
