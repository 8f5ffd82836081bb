//! @file Eigen interop without copies: leaves that view Eigen matrices, tensors seen as Eigen maps.
//!
//! `input` and `param` view row-major Eigen matrices and maps; `as_eigen` views a tensor or a
//! gradient as an `Eigen::Map`.
//!
//! Optional: no other tapeless header includes Eigen, and the installed tapeless package does not
//! depend on it. A program that includes this header finds and links Eigen itself, e.g.
//! `find_package(Eigen3 3.3 REQUIRED CONFIG)` and `target_link_libraries(app PRIVATE Eigen3::Eigen)`.
//!
//! - A matrix (`Eigen::Matrix<float, R, C, Eigen::RowMajor>`, dynamic or fixed) is tracked like a
//!   `Tensor`: a compiled step re-reads its data pointer and extents before each run, so a
//!   `resize` between steps is planned again, and a moved-from matrix throws `binding_error`.
//!   The matrix must outlive the steps bound to it.
//! - A map, `transpose()` or block is a view, like `TensorView`: read where the leaf is made, its
//!   storage the user's to keep valid. It must be contiguous: a stride that says otherwise in its
//!   type is a compile error, one known only at run time throws `binding_error`.
//! - Fixed sizes become static extents: shape mismatches are compile errors, as with
//!   `Tensor<float, R, C>`.
//! - Column-major storage (Eigen's default) is a compile error, except for column vectors
//!   (`Eigen::VectorXf`, one column): their elements lie one row after the other, exactly as an
//!   N x 1 row-major matrix's do, so they are accepted as N x 1.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EIGEN_HPP
#define TAPELESS_EIGEN_HPP

#include "error.hpp"
#include "expr/functions.hpp"
#include "tensor/tensor.hpp"

#include <Eigen/Core>

#include <concepts>
#include <cstddef>
#include <string>
#include <type_traits>

namespace tapeless {

//! Any Eigen matrix, array, map or expression: what the Eigen overloads of `input`/`param` take,
//! so that unsuitable ones reach a static_assert that says why.
template <class X>
concept eigen_dense = std::derived_from<X, Eigen::DenseBase<X>>;

namespace detail {

constexpr std::size_t eigen_extent(Eigen::Index n) {
    return n == Eigen::Dynamic ? dynamic : static_cast<std::size_t>(n);
}

template <class X>
tensor_state<typename X::Scalar> read_eigen(void const* object) {
    auto const& m = *static_cast<X const*>(object);
    return {m.data(), static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols())};
}

template <fixed_string Name, leaf_kind Kind, class X>
auto make_eigen_leaf(X const& x) {
    // A column vector's one column is laid out as N x 1 row-major.
    static_assert(bool(X::IsRowMajor) || X::ColsAtCompileTime == 1,
                  "tapeless: input/param: Eigen storage must be row-major: declare "
                  "Eigen::Matrix<T, R, C, Eigen::RowMajor>, or pass m.transpose() (a row-major "
                  "C x R view of the same storage)");
    using T = typename X::Scalar;
    static_assert(element<T>, "tapeless: input/param: Eigen scalar type must be float or double");
    static_assert((X::Flags & Eigen::DirectAccessBit) != 0,
                  "tapeless: input/param: this Eigen expression has no storage to view: "
                  "evaluate it into a row-major matrix first");
    static_assert(X::InnerStrideAtCompileTime == Eigen::Dynamic || X::InnerStrideAtCompileTime == 1 ||
                      X::InnerSizeAtCompileTime == 1,
                  "tapeless: input/param: Eigen map with a non-contiguous inner stride");
    static_assert(X::OuterStrideAtCompileTime == Eigen::Dynamic ||
                      X::InnerSizeAtCompileTime == Eigen::Dynamic || (X::IsRowMajor ? X::RowsAtCompileTime : X::ColsAtCompileTime) == 1 ||
                      X::OuterStrideAtCompileTime == X::InnerSizeAtCompileTime,
                  "tapeless: input/param: Eigen map with an outer stride other than its row length");
    if ((x.innerSize() > 1 && x.innerStride() != 1) || (x.outerSize() > 1 && x.outerStride() != x.innerSize()))
        throw binding_error("tapeless: input/param '" + std::string(Name.view()) + "': the Eigen object (" +
                            std::to_string(x.rows()) + "x" + std::to_string(x.cols()) + ", inner stride " +
                            std::to_string(x.innerStride()) + ", outer stride " +
                            std::to_string(x.outerStride()) + ") is not contiguous");
    constexpr shape s{eigen_extent(X::RowsAtCompileTime), eigen_extent(X::ColsAtCompileTime)};
    leaf<Name, Kind, T, s> l{x.data(), static_cast<std::size_t>(x.rows()), static_cast<std::size_t>(x.cols())};
    // A matrix owns its storage and may be resized or moved: the step re-reads it. Maps and other
    // views cannot change and may be temporaries: nothing to track, nothing to dangle.
    if constexpr (std::derived_from<X, Eigen::PlainObjectBase<X>>) {
        l.source.object = &x;
        l.source.read_object = &read_eigen<X>;
    }
    return l;
}

} // namespace detail

//! `input` for an Eigen matrix or map: a view of its storage, no copy (see the file's notes).
template <fixed_string Name, eigen_dense X>
auto input(X const& x) {
    return detail::make_eigen_leaf<Name, leaf_kind::input>(x);
}

//! `param` for an Eigen matrix or map: a view of its storage, no copy (see the file's notes).
template <fixed_string Name, eigen_dense X>
auto param(X const& x) {
    return detail::make_eigen_leaf<Name, leaf_kind::param>(x);
}

//! A tensor, view or gradient (`as_eigen(step.grad(W))`) as an `Eigen::Map` of its storage:
//! row-major, read-only when the storage is (a gradient is), fixed-size where the extents are
//! static. Valid while the viewed storage is (a gradient: until the step is planned again).
template <class X>
    requires tensor_like<std::remove_cvref_t<X>>
auto as_eigen(X&& x) {
    using X0 = std::remove_cvref_t<X>;
    using P = std::remove_pointer_t<decltype(x.data())>;
    using T = std::remove_const_t<P>;
    constexpr auto eigen_extent = [](std::size_t n) {
        return n == dynamic ? Eigen::Dynamic : static_cast<int>(n);
    };
    constexpr int R = eigen_extent(X0::static_shape.rows);
    constexpr int C = eigen_extent(X0::static_shape.cols);
    // Eigen requires a one-column matrix to be column-major: the same layout.
    constexpr int order = (C == 1 && R != 1) ? Eigen::ColMajor : Eigen::RowMajor;
    using M = Eigen::Matrix<T, R, C, order>;
    using Mapped = std::conditional_t<std::is_const_v<P>, M const, M>;
    return Eigen::Map<Mapped>(x.data(), static_cast<Eigen::Index>(x.rows()), static_cast<Eigen::Index>(x.cols()));
}

} // namespace tapeless

#endif
