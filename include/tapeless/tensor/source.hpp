//! @file Defines `tensor_source`: where a tensor keeps its storage pointer and runtime extents.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TENSOR_SOURCE_HPP
#define TAPELESS_TENSOR_SOURCE_HPP

#include <cstddef>

namespace tapeless::detail {

//! A leaf made from a `Tensor` remembers this, so a compiled step can see, before it reads
//! anything, that the tensor was moved from, resized or given new storage since it was bound.
//! A leaf made from a view has none: a view's storage is the user's to keep valid.
template <class T>
struct tensor_source {
    T* const* data = nullptr;          // null: no tensor behind the leaf
    std::size_t const* rows = nullptr; // null: static extent
    std::size_t const* cols = nullptr;

    [[nodiscard]] constexpr bool tracked() const { return data != nullptr; }
};

} // namespace tapeless::detail

#endif
