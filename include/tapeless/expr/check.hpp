//! @file Defines the checks user-level functions (`lin`, `mse`, `cross_entropy`, ...) run on the
//! runtime extents of their arguments when they are called, so a mismatch is reported in the
//! words the user wrote: "tapeless: mse(pred, target): pred is 7x3, target 'y' is 7x2".
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_CHECK_HPP
#define TAPELESS_EXPR_CHECK_HPP

#include "../error.hpp"
#include "node.hpp"

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace tapeless::detail {

//! A rule on the shapes of a user-level call's arguments: null if they fit, else why not.
template <std::size_t N>
using call_rule = char const* (*)(std::array<shape, N> const&);

//! Static shapes that cannot fit the user-level call `Call` (a tag of namespace `tapeless::call`).
//! Never defined: the compiler's first error then names the call and the shapes, e.g. "incomplete
//! type tapeless::detail::call_shape_mismatch<tapeless::call::mse, shape{7, 3}, shape{7, 2}>".
template <class Call, shape... Shapes>
struct call_shape_mismatch;

// "pred" for k = 0 in "mse(pred, target)".
inline std::string_view call_parameter(std::string_view call, std::size_t k) {
    std::size_t b = call.find('(') + 1;
    for (; k > 0; --k) b = call.find(", ", b) + 2;
    return call.substr(b, call.find_first_of(",)", b) - b);
}

//! A leaf's name, empty for any other expression.
template <class E>
constexpr std::string_view leaf_name_of() {
    if constexpr (is_leaf_v<E>) return E::name.view();
    else return {};
}

//! "tapeless: mse(pred, target): pred is 7x3, target 'y' is 7x2: <why>". One function for every
//! call, so each checked call instantiates no string code of its own.
[[noreturn]] inline void throw_call_error(std::string_view call, std::span<std::string_view const> leaves,
                                          std::span<shape const> shapes, char const* why) {
    std::string msg = "tapeless: ";
    msg += call;
    msg += ":";
    for (std::size_t k = 0; k < shapes.size(); ++k) {
        msg += k ? ", " : " ";
        msg += detail::call_parameter(call, k);
        if (!leaves[k].empty()) {
            msg += " '";
            msg += leaves[k];
            msg += "'";
        }
        msg += " is ";
        msg += tapeless::to_string(shapes[k]);
    }
    msg += ": ";
    msg += why;
    throw shape_error(msg);
}

//! Checks the arguments of the user-level call `Call` (a tag whose `text` names it and its
//! parameters, "mse(pred, target)") against `Rule`: at compile time when every extent is static, else with the extents
//! the arguments have now, throwing `shape_error` that names the call, each argument's shape and,
//! for a leaf, its name. Skipped when some extent is not known yet (compile() checks every op
//! again when it binds).
//! Its return type is deduced (void) so that g++ instantiates it where it is called, before the
//! call's ops are built: the call, not one of its ops, is then named by the first error.
template <class Call, auto Rule, class... A>
constexpr auto check_call(A const&... a) {
    constexpr std::size_t n = sizeof...(A);
    if constexpr ((A::static_shape.is_static() && ...)) {
        if constexpr (Rule(std::array<shape, n>{A::static_shape...}) != nullptr) {
            (void)sizeof(call_shape_mismatch<Call, A::static_shape...>);
            static_assert(Rule(std::array<shape, n>{A::static_shape...}) == nullptr,
                          "tapeless: static shapes do not fit this call (see call_shape_mismatch above)");
        }
    } else {
        if (std::is_constant_evaluated()) return;
        shape_result const r[] = {tapeless::built_shape(a)...}; // O(1): no walk
        std::array<shape, n> shapes{};
        for (std::size_t k = 0; k < n; ++k) {
            if (!r[k].ok()) return;
            shapes[k] = r[k].value;
        }
        if (char const* why = Rule(shapes)) {
            constexpr std::array<std::string_view, n> leaves{detail::leaf_name_of<A>()...};
            detail::throw_call_error(Call::text, leaves, shapes, why);
        }
    }
}

//! Rules shared by the user-level functions.
namespace rules {
//! Elementwise: each extent equal or 1.
template <std::size_t N>
constexpr char const* broadcast(std::array<shape, N> const& s) {
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
        return infer_shape(shape_rule::broadcast, s[K]...).error;
    }(std::make_index_sequence<N>{});
}
//! Class labels: one per row of the first argument, in one column.
constexpr char const* labels(std::array<shape, 2> const& s) {
    if (s[1].cols != 1) return "class labels must be one column (one class index per row)";
    if (s[1].rows != s[0].rows) return "one class label per row needed";
    return nullptr;
}
//! The same with the labels first: (labels, like).
constexpr char const* labels_first(std::array<shape, 2> const& s) { return labels({s[1], s[0]}); }
//! An affine map x·w + b: b broadcasts to x·w's shape (usually one row of w's width).
constexpr char const* affine(std::array<shape, 3> const& s) {
    if (s[0].cols != s[1].rows) return "x's columns must equal w's rows";
    if (!infer_shape(shape_rule::broadcast, shape{s[0].rows, s[1].cols}, s[2]).ok())
        return "b does not broadcast to x·w's shape";
    return nullptr;
}
} // namespace rules

} // namespace tapeless::detail

#endif
