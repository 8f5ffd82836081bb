//! @file Defines the pass `find_lifetimes`: the last kernel reading each buffer.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PLAN_LIFETIMES_HPP
#define TAPELESS_PLAN_LIFETIMES_HPP

#include "state.hpp"

namespace tapeless::detail {

//! Last group reading each buffer, for workspace reuse; outputs live to the end, and a buffer
//! lives as long as anything aliasing it.
template <std::size_t N>
constexpr void find_lifetimes(analysis<N>& a) {
    auto const& info = a.info;
    for (std::size_t i = 0; i < N; ++i) a.last_use[i] = a.group_of[i];
    for (std::size_t g = 0; g < a.ngroups; ++g) {
        if (a.groups[g].gemm) {
            std::size_t p = a.groups[g].node;
            a.last_use[a.gemm_a[p]] = g;
            a.last_use[a.gemm_b[p]] = g;
        } else if (a.groups[g].call || a.groups[g].custom) {
            std::size_t p = a.groups[g].node;
            for (std::size_t k = 0; k < info[p].nargs; ++k)
                if (info[p].reads[k]) a.last_use[info[p].arg[k]] = g;
        } else {
            for (std::size_t c = a.groups[g].cbegin; c < a.groups[g].cend; ++c)
                if (a.role[c] == entry_role::load || a.role[c] == entry_role::unit_load)
                    a.last_use[a.closure[c]] = g;
                else if (a.role[c] == entry_role::load_transposed)
                    a.last_use[info[a.closure[c]].arg[0]] = g;
        }
    }
    for (std::size_t i = 0; i < N; ++i)
        if (info[i].output) a.last_use[i] = npos;
    for (std::size_t i = N; i-- > 0;)
        if (a.alias[i]) {
            std::size_t& x = a.last_use[info[i].arg[0]];
            if (a.last_use[i] == npos || (x != npos && a.last_use[i] > x)) x = a.last_use[i];
        }
}

} // namespace tapeless::detail

#endif
