//! @file Defines the op tags `tapeless::op::dropout` and `op::dropout_back`: elements zeroed with
//! probability p by a counter-based mask, the rest scaled by 1/(1-p), and the same mask backward.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_DROPOUT_HPP
#define TAPELESS_OPS_DROPOUT_HPP

#include "../config.hpp"
#include "../detail/philox.hpp"
#include "custom.hpp"
#include "traits.hpp"

#include <cstddef>
#include <cstdint>

namespace tapeless {

namespace detail {
//! Where a dropout mask comes from: the user's seed, the step's number, the op's site (its node in
//! the plan) and the layer of a `repeat` it runs in. Element e of the site's value is kept iff
//! word e % 4 of Philox4x32-10 at counter (e / 4, site, layer, step) and key (seed, step >> 32)
//! is at least p · 2³²: a pure function of those, so masks do not depend on threads or blocks.
struct dropout_mask {
    std::array<std::uint32_t, 2> key;
    std::uint32_t site, layer, step;
    std::uint64_t threshold; // p · 2³², rounded down; p >= 1 drops everything (see `scale`)

    constexpr dropout_mask(random_stream const& s, std::size_t site_, double p)
        : key{static_cast<std::uint32_t>(s.seed), static_cast<std::uint32_t>(s.seed >> 32) ^
                                                      static_cast<std::uint32_t>(s.step >> 32)},
          site(static_cast<std::uint32_t>(site_)), layer(s.layer), step(static_cast<std::uint32_t>(s.step)),
          threshold(p <= 0 ? 0 : p >= 1 ? (std::uint64_t(1) << 32) : static_cast<std::uint64_t>(p * 4294967296.0)) {}

    //! Whether elements [e, e + n) are kept, n <= 4 and e a multiple of 4: one Philox call.
    TAPELESS_ALWAYS_INLINE constexpr std::array<bool, 4> kept4(std::size_t e) const {
        auto const w = philox4x32_10({static_cast<std::uint32_t>(e / 4), site, layer, step}, key);
        return {w[0] >= threshold, w[1] >= threshold, w[2] >= threshold, w[3] >= threshold};
    }
};

// y_e = x_e · keep_e · scale over elements [first · d, last · d) of a row-major value.
template <class T>
void apply_dropout(T const* x, T* y, std::size_t begin, std::size_t end, dropout_mask const& m, T scale) {
    std::size_t e = begin - begin % 4;
    for (; e < end; e += 4) {
        auto const keep = m.kept4(e);
        for (std::size_t l = 0; l < 4; ++l) {
            std::size_t const i = e + l;
            if (i >= begin && i < end) y[i] = keep[l] ? x[i] * scale : T(0);
        }
    }
}
// Rows [first, last) of x ⊙ mask/(1-p), x argument 0 and p argument 1 of `v`, the mask of `site`.
template <class T>
void run_dropout(custom_view<T> const& v, std::size_t first, std::size_t last, std::size_t site) {
    T const p = v.scalar(1);
    T const scale = p < T(1) ? T(1) / (T(1) - p) : T(0);
    std::size_t const d = v.ys.cols;
    apply_dropout(v.x[0], v.y, first * d, last * d, dropout_mask(v.stream, site, double(p)), scale);
}

// p (argument 1) one number.
constexpr char const* dropout_check(shape const* s, std::size_t) {
    return s[1].rows == 1 && s[1].cols == 1 ? nullptr : "p must be 1 x 1";
}
} // namespace detail

namespace op {

//! y = x ⊙ mask / (1 - p), mask_e kept with probability 1 - p (`tl::dropout`). Args (x, p); p = 0 is
//! the identity (evaluation), p >= 1 zeros everything. The mask: `detail::dropout_mask`, keyed by
//! this node as its site.
struct dropout : op_base {
    static constexpr char const* name = "dropout";
    static constexpr op_kind kind = op_kind::custom;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 4;
    static constexpr auto check = detail::dropout_check;

    template <class T>
    static void run(custom_view<T> const& v, std::size_t first, std::size_t last) {
        detail::run_dropout(v, first, last, v.node[0]); // its own node is the site
    }
};

//! x̄ = ȳ ⊙ mask / (1 - p) with the mask of the `dropout` node it differentiates. Args (ȳ, p, y),
//! y read for its site only.
struct dropout_back : op_base {
    static constexpr char const* name = "dropout_back";
    static constexpr op_kind kind = op_kind::custom;
    static constexpr shape_rule shape = shape_rule::broadcast;
    static constexpr int cost = 4;
    static constexpr bool reads(std::size_t k) { return k < 2; }
    static constexpr auto check = detail::dropout_check;

    template <class T>
    static void run(custom_view<T> const& v, std::size_t first, std::size_t last) {
        detail::run_dropout(v, first, last, v.node[3]); // the forward node's site
    }
};

} // namespace op
} // namespace tapeless

#endif
