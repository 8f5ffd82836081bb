//! @file Defines the normalisation layers: `layer_norm`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_NORMALIZATION_HPP
#define TAPELESS_EXPR_NORMALIZATION_HPP

#include "../ops/add.hpp"
#include "../ops/layer_norm.hpp"
#include "../ops/mul.hpp"
#include "build.hpp"
#include "check.hpp"
#include "leaf.hpp"

#include <array>
#include <string_view>

namespace tapeless {

namespace call {
struct layer_norm {
    static constexpr std::string_view text = "layer_norm(x, g, b)";
};
} // namespace call

namespace detail::rules {
//! A gain and a bias of one row as wide as x.
constexpr char const* row_affine(std::array<shape, 3> const& s) {
    for (std::size_t k = 1; k < 3; ++k) {
        bool const one_row = s[k].rows == 1 || s[k].rows == dynamic;
        bool const wide = s[k].cols == s[0].cols || s[k].cols == dynamic || s[0].cols == dynamic;
        if (!one_row || !wide) return "g and b must be one row as wide as x (1 x d)";
    }
    return nullptr;
}
} // namespace detail::rules

//! PyTorch's `F.layer_norm(x, (d,), g, b, eps)`: each row of x (n x d) normalised over its columns
//! to mean 0 and variance 1 (the biased variance, plus `eps`), times the gain g and plus the bias b
//! (both 1 x d). The normalisation is one op with one kernel per pass (`op::layer_norm`, its
//! adjoint `op::layer_norm_back`); the gain and bias are elementwise and fuse with what follows.
//! `eps` is 1e-5 unless given: a number (a runtime scalar, like any number in an expression) or a
//! named scalar (`tl::input<"eps">(1e-6f)`), which keeps a subexpression read twice shared.
template <expression X, expression G, expression B>
constexpr auto layer_norm(X const& x, G const& g, B const& b) {
    detail::check_call<call::layer_norm, detail::rules::row_affine>(x, g, b);
    return tapeless::build<op::add>(tapeless::build<op::mul>(tapeless::build<op::layer_norm>(x, constant<1, 100000>{}), g),
                                    b);
}
//! The same with `eps` given.
template <expression X, expression G, expression B, class Eps>
constexpr auto layer_norm(X const& x, G const& g, B const& b, Eps const& eps) {
    detail::check_call<call::layer_norm, detail::rules::row_affine>(x, g, b);
    return tapeless::build<op::add>(tapeless::build<op::mul>(tapeless::build<op::layer_norm>(x, detail::as_operand(eps, x)), g),
                                    b);
}

} // namespace tapeless

#endif
