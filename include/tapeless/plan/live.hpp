//! @file Defines the pass `mark_live`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PLAN_LIVE_HPP
#define TAPELESS_PLAN_LIVE_HPP

#include "state.hpp"

namespace tapeless::detail {

//! Live nodes: those an output reads, directly or not.
template <std::size_t N>
constexpr void mark_live(analysis<N>& a) {
    for (std::size_t i = N; i-- > 0;) {
        if (a.info[i].output) a.live[i] = true;
        if (!a.live[i]) continue;
        for (std::size_t k = 0; k < a.info[i].nargs; ++k)
            if (a.info[i].reads[k]) a.live[a.info[i].arg[k]] = true;
    }
}

} // namespace tapeless::detail

#endif
