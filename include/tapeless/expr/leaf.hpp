//! @file Defines the leaves of an expression: named tensors (`leaf`), runtime scalars (`scalar`)
//! and compile-time constants (`constant`).
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_LEAF_HPP
#define TAPELESS_EXPR_LEAF_HPP

#include "../detail/fixed_string.hpp"
#include "../tensor/shape.hpp"
#include "../tensor/source.hpp"

#include <cstddef>

namespace tapeless {

//! `input` leaves get no gradient; `param` leaves may be differentiated.
enum class leaf_kind { input, param };

//! A named tensor in an expression. The type carries the name, kind, element type and static
//! shape, so the type of an expression is its whole graph; the object carries only a view of the
//! user's storage, read when a plan runs. Default-constructed leaves (no storage) appear in
//! derived gradient types, which are bound by name when evaluated.
template <fixed_string Name, leaf_kind Kind, class T, shape S>
struct leaf {
    using value_type = T;
    static constexpr shape static_shape = S;
    static constexpr auto name = Name;
    static constexpr leaf_kind kind = Kind;

    T const* data = nullptr;
    std::size_t rows = S.rows == dynamic ? 0 : S.rows;
    std::size_t cols = S.cols == dynamic ? 0 : S.cols;
    detail::tensor_source<T> source{}; // the tensor viewed, when it is one
};

//! A runtime scalar in an expression (`2.0f * x`). `Id` tells scalars apart: two scalars in one
//! expression never share an Id (builders renumber), so equal types still mean equal values.
template <class T, int Id>
struct scalar {
    using value_type = T;
    static constexpr shape static_shape{1, 1};
    static constexpr int id = Id;
    T value{};
};

//! A compile-time rational constant Num/Den, made by the reverse sweep (the 2 in d(x²) = 2x·dx,
//! the 1 that seeds it). It has no element type of its own: it adopts its neighbours'.
//! A runtime scalar with a name: one identity wherever it is used, never renumbered, so a
//! subexpression that holds it stays one shared node (a number written into an expression is
//! renumbered per use, see `build`). Made by `input<"eps">(1e-5f)`; two values under one name
//! in one expression are an error, like two tensors under one leaf name.
template <fixed_string Name, class T>
struct named_scalar {
    using value_type = T;
    static constexpr shape static_shape{1, 1};
    static constexpr auto name = Name;
    T value{};
};

template <long Num, long Den = 1>
struct constant {
    using value_type = void;
    static constexpr shape static_shape{1, 1};
    template <class T>
    static constexpr T value = static_cast<T>(Num) / static_cast<T>(Den);
};

using zero = constant<0>;
using one = constant<1>;

} // namespace tapeless

#endif
