//! @file Defines the pass `find_operands`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PLAN_OPERANDS_HPP
#define TAPELESS_PLAN_OPERANDS_HPP

#include "state.hpp"

namespace tapeless::detail {

//! Use counts, GEMM operands (transposes peeled into flags) and the values that must be in memory
//! because a GEMM or a transposed load reads them.
template <std::size_t N>
constexpr void find_operands(analysis<N>& a) {
    auto const& info = a.info;
    for (std::size_t i = 0; i < N; ++i) {
        if (!a.live[i]) continue;
        for (std::size_t k = 0; k < info[i].nargs; ++k)
            if (info[i].reads[k]) ++a.uses[info[i].arg[k]];
        if (info[i].cat == category::contraction) {
            for (std::size_t k = 0; k < 2; ++k) {
                std::size_t j = info[i].arg[k];
                bool t = false;
                while (info[j].cat == category::layout) { j = info[j].arg[0]; t = !t; }
                a.needs_buffer[j] = true;
                (k == 0 ? a.gemm_a : a.gemm_b)[i] = j;
                (k == 0 ? a.ta : a.tb)[i] = t;
            }
        } else if (info[i].cat == category::call || info[i].cat == category::custom) {
            // A call reads its arguments from memory (a transpose there is not supported); a
            // custom kernel too, but takes a scalar known at bind as a value.
            for (std::size_t k = 0; k < info[i].nargs; ++k) {
                if (!info[i].reads[k]) continue;
                if (info[i].cat == category::custom && info[info[i].arg[k]].cat == category::immediate) continue;
                if (info[info[i].arg[k]].cat == category::layout) a.unsupported_layout = true;
                a.needs_buffer[info[i].arg[k]] = true;
            }
        } else if (info[i].cat != category::immediate) {
            // A transpose read by a loop is a strided load from its argument's buffer.
            for (std::size_t k = 0; k < info[i].nargs; ++k) {
                std::size_t j = info[i].arg[k];
                if (!info[i].reads[k] || info[j].cat != category::layout) continue;
                if (info[info[j].arg[0]].cat == category::layout) a.unsupported_layout = true;
                a.needs_buffer[info[j].arg[0]] = true;
            }
        }
    }
}

} // namespace tapeless::detail

#endif
