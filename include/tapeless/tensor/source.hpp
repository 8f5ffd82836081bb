//! @file Defines `tensor_source`: where a tensor keeps its storage pointer and runtime extents.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TENSOR_SOURCE_HPP
#define TAPELESS_TENSOR_SOURCE_HPP

#include <cstddef>

namespace tapeless::detail {

//! A tensor's storage pointer and extents as read just now.
template <class T>
struct tensor_state {
    T const* data;
    std::size_t rows;
    std::size_t cols;
};

//! A leaf made from a `Tensor` remembers this, so a compiled step can see, before it reads
//! anything, that the tensor was moved from, resized or given new storage since it was bound.
//! A leaf made from a view has none: a view's storage is the user's to keep valid.
//! Objects that keep their pointer and extents private (an Eigen matrix) are read through
//! `read_object` instead of the addresses.
//! Trivial (no default member initialisers, so tables of them are not cleared member by member):
//! `{}` or an aggregate initialiser zeroes what it does not name.
template <class T>
struct tensor_source {
    T* const* data;          // null: no tensor behind the leaf, or one read by function
    std::size_t const* rows; // null: static extent
    std::size_t const* cols;
    void const* object;
    tensor_state<T> (*read_object)(void const*);

    [[nodiscard]] constexpr bool tracked() const { return data != nullptr || read_object != nullptr; }

    //! The storage and extents now; `bound` supplies the extents that are static.
    [[nodiscard]] tensor_state<T> read(tensor_state<T> bound) const {
        if (read_object) return read_object(object);
        return {*data, rows ? *rows : bound.rows, cols ? *cols : bound.cols};
    }
};

} // namespace tapeless::detail

#endif
