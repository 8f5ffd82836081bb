//! @file Defines `state`, what a compiled step fixes when it is bound (shapes, buffers, immediates,
//! each kernel's variant and blocks), and `node_refs`, a kernel's view of its own nodes in it.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_BOUND_STATE_HPP
#define TAPELESS_EVAL_BOUND_STATE_HPP

#include "../exec/partition.hpp"
#include "../ops/custom.hpp"
#include "../tensor/shape.hpp"

#include <array>
#include <cstddef>

namespace tapeless::detail {

//! Everything a plan needs at run time, fixed when it is bound: each node's shape, its buffer
//! (the user's storage for leaves, the workspace otherwise) and, for immediates, its value.
template <class T, std::size_t N, std::size_t NG, std::size_t R>
struct state {
    std::array<shape, N> shapes{};
    std::array<T*, N> ptr{};
    std::array<T, N> imm{};
    std::array<unsigned, NG + 1> variant{}; // loop shape chosen per group at bind
    std::array<exec::partition, NG + 1> part{}; // blocks per group, fixed at bind
    T* scratch = nullptr;                        // partial reductions of split loops
    std::array<void*, NG + 1> call{};            // what a call kernel runs on (`call_kernel`)
    // The plan's node references resolved at bind: each kernel reads its buffers, shapes and
    // immediates from a contiguous run here, one load each, as if its nodes were in its type.
    std::array<T*, R> rptr{};
    std::array<shape, R> rshape{};
    std::array<T, R> rimm{};
    random_stream stream{}; // what random ops are keyed by (`dropout`)
};

//! A kernel's nodes as resolved at bind (see `loop_refs` for the order).
template <class T>
struct node_refs {
    T* const* ptrs;
    shape const* shapes;
    T const* imms;
    std::size_t const* nodes = nullptr;     // the plan's node of each reference
    random_stream const* stream = nullptr; // the step's (custom kernels that draw random numbers)
};

//! Fills the resolved references from the plan's table once shapes, buffers and immediates are set.
template <class Plan, class State>
void resolve_refs(State& s) {
    for (std::size_t k = 0; k < Plan::refs.size(); ++k) {
        std::size_t i = Plan::refs[k];
        s.rptr[k] = s.ptr[i];
        s.rshape[k] = s.shapes[i];
        s.rimm[k] = s.imm[i];
    }
}

template <class Plan, std::size_t G, class T, std::size_t N, std::size_t NG, std::size_t R>
node_refs<T> refs_of(state<T, N, NG, R> const& s) {
    constexpr std::size_t b = Plan::ref_begin[G];
    return {s.rptr.data() + b, s.rshape.data() + b, s.rimm.data() + b, Plan::refs.data() + b, &s.stream};
}

} // namespace tapeless::detail

#endif
