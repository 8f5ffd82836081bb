//! @file Defines `tapeless::shape` (row and column extents) and the `dynamic` extent.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TENSOR_SHAPE_HPP
#define TAPELESS_TENSOR_SHAPE_HPP

#include <cstddef>
#include <limits>
#include <string>

namespace tapeless {

//! An extent known only at run time.
inline constexpr std::size_t dynamic = std::numeric_limits<std::size_t>::max();

//! Rows and columns of a 2-D tensor. As a template argument (static shapes) an extent may be
//! `dynamic`; as a runtime value both extents are real. Structural, so it is usable as an NTTP and
//! shows up readably in compiler diagnostics.
struct shape {
    std::size_t rows;
    std::size_t cols;

    constexpr bool operator==(shape const&) const = default;
    [[nodiscard]] constexpr std::size_t size() const { return rows * cols; }
    [[nodiscard]] constexpr bool is_static() const { return rows != dynamic && cols != dynamic; }
};

//! "3x4", "?x4" for a dynamic extent: the form every shape error message uses.
inline std::string to_string(shape s) {
    auto ext = [](std::size_t e) { return e == dynamic ? std::string("?") : std::to_string(e); };
    return ext(s.rows) + "x" + ext(s.cols);
}

} // namespace tapeless

#endif
