//! @file Defines `attention`: scaled dot-product attention over sequences of rows and heads of columns.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_ATTENTION_HPP
#define TAPELESS_EXPR_ATTENTION_HPP

#include "../ops/attention.hpp"
#include "build.hpp"
#include "check.hpp"

#include <array>
#include <string_view>

namespace tapeless {

namespace call {
struct attention {
    static constexpr std::string_view text = "attention(q, k, v)";
};
} // namespace call

namespace detail::rules {
//! q, k and v of one shape, whole sequences of rows, whole heads of columns (static extents only).
template <attention_options O>
constexpr char const* attention(std::array<shape, 3> const& s) {
    for (shape const& x : s)
        if (x.rows == dynamic || x.cols == dynamic) return nullptr;
    return detail::attention_check<O>(s.data(), 3);
}
} // namespace detail::rules

//! PyTorch's `F.scaled_dot_product_attention` after the usual reshapes: q, k and v are (B·T) x d,
//! their rows B sequences of `O.seq` = T consecutive rows, their columns `O.heads` = h heads of
//! d/h; per sequence and head, softmax(q·kᵀ/√(d/h) + causal mask)·v, result (B·T) x d:
//! `tl::attention<tl::attention_options{.seq = 64, .heads = 4, .causal = true}>(q, k, v)`. The
//! options are part of the op's type (a constant of the model, like a layer's width). Shapes that
//! do not fit throw `shape_error` where the call is made and where a step is bound. One kernel
//! forward, one per argument backward (each recomputes the probabilities row by row: no seq x seq
//! buffer); the same bits on any number of threads.
template <attention_options O, expression Q, expression K, expression V>
constexpr auto attention(Q const& q, K const& k, V const& v) {
    detail::check_call<call::attention, detail::rules::attention<O>>(q, k, v);
    return tapeless::build<op::attention<O>>(q, k, v);
}

} // namespace tapeless

#endif
