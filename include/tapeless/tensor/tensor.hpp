//! @file Defines `tapeless::Tensor` (owning, aligned, row-major 2-D) and `tapeless::TensorView`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TENSOR_TENSOR_HPP
#define TAPELESS_TENSOR_TENSOR_HPP

#include "../error.hpp"
#include "shape.hpp"
#include "source.hpp"
#include "storage.hpp"

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <utility>

namespace tapeless {

//! The element types tapeless computes in.
template <class T>
concept element = std::same_as<T, float> || std::same_as<T, double>;

namespace detail {
// One extent: in the type when static, stored when dynamic ([[no_unique_address]] makes the
// static case take no space, so a static view is just a pointer).
template <std::size_t E>
struct extent {
    constexpr extent() = default;
    explicit constexpr extent(std::size_t) {}
    [[nodiscard]] static constexpr std::size_t get() { return E; }
};
template <>
struct extent<dynamic> {
    std::size_t value = 0;
    constexpr extent() = default;
    explicit constexpr extent(std::size_t v) : value(v) {}
    [[nodiscard]] constexpr std::size_t get() const { return value; }
};

template <std::size_t R, std::size_t C>
struct extents_holder {
    constexpr extents_holder() = default;
    explicit constexpr extents_holder(std::size_t r, std::size_t c) : rows_(r), cols_(c) {
        if ((R != dynamic && r != R) || (C != dynamic && c != C))
            throw shape_error(std::string("tapeless: tensor: shape ") + to_string({r, c}) +
                              " does not fit static shape " + to_string({R, C}));
        // rows * cols must count the elements: a wrapped product would make size() small while
        // rows() stays huge, and any loop over rows would run off the storage.
        if (r != 0 && c > std::numeric_limits<std::size_t>::max() / r)
            throw shape_error(std::string("tapeless: tensor: shape ") + to_string({r, c}) +
                              " has more elements than a size_t counts");
    }
    [[nodiscard]] constexpr std::size_t rows() const { return rows_.get(); }
    [[nodiscard]] constexpr std::size_t cols() const { return cols_.get(); }
    // Where a runtime extent lives, so a leaf can notice a resize; null for a static one.
    [[nodiscard]] constexpr std::size_t const* rows_address() const {
        if constexpr (R == dynamic) return &rows_.value;
        else return nullptr;
    }
    [[nodiscard]] constexpr std::size_t const* cols_address() const {
        if constexpr (C == dynamic) return &cols_.value;
        else return nullptr;
    }

private:
    [[no_unique_address]] extent<R> rows_;
    [[no_unique_address]] extent<C> cols_;
};
} // namespace detail

//! A non-owning row-major view of `rows() x cols()` elements at `data()`, row stride `cols()`.
//! `T` may be const. Static extents are checked when the view is made.
template <class T, std::size_t R = dynamic, std::size_t C = dynamic>
class TensorView : public detail::extents_holder<R, C> {
public:
    using value_type = std::remove_const_t<T>;
    static constexpr tapeless::shape static_shape{R, C};

    constexpr TensorView() = default;
    constexpr TensorView(T* data, std::size_t rows, std::size_t cols)
        : detail::extents_holder<R, C>(rows, cols), data_(data) {}
    //! Views of another view or tensor whose extents fit.
    template <class Other>
        requires requires(Other& o) { { o.data() } -> std::convertible_to<T*>; }
    constexpr TensorView(Other&& o) : TensorView(o.data(), o.rows(), o.cols()) {}

    [[nodiscard]] constexpr T* data() const { return data_; }
    [[nodiscard]] constexpr std::size_t size() const { return this->rows() * this->cols(); }
    [[nodiscard]] constexpr tapeless::shape shape() const { return {this->rows(), this->cols()}; }
    constexpr T& operator()(std::size_t i, std::size_t j) const { return data_[i * this->cols() + j]; }

private:
    T* data_ = nullptr;
};

//! An owning row-major 2-D tensor of float or double, 64-byte aligned, zero-initialised.
//! `Tensor<float>` has runtime extents; `Tensor<float, 784, 50>` has static ones, checked at
//! compile time wherever it meets an expression.
template <class T, std::size_t R = dynamic, std::size_t C = dynamic>
    requires element<T>
class Tensor : public detail::extents_holder<R, C> {
public:
    using value_type = T;
    static constexpr tapeless::shape static_shape{R, C};

    //! Static extents: a zeroed R x C tensor. Runtime extents: an empty 0 x 0 tensor.
    Tensor() : data_(detail::allocate_aligned<T>(this->rows() * this->cols()).release()), capacity_(size()) {}
    Tensor(std::size_t rows, std::size_t cols)
        : detail::extents_holder<R, C>(rows, cols), data_(detail::allocate_aligned<T>(rows * cols).release()),
          capacity_(rows * cols) {}
    Tensor(std::size_t rows, std::size_t cols, T fill_value) : Tensor(rows, cols) { fill(fill_value); }
    //! Row by row: `Tensor<double> a{{1, 2}, {3, 4}}`.
    Tensor(std::initializer_list<std::initializer_list<T>> rows)
        : Tensor(rows.size(), rows.size() ? rows.begin()->size() : 0) {
        std::size_t i = 0;
        for (auto const& row : rows) {
            if (row.size() != this->cols())
                throw shape_error("tapeless: tensor: ragged initializer list");
            std::copy(row.begin(), row.end(), data_ + i++ * this->cols());
        }
    }
    Tensor(Tensor const& o) : Tensor(o.rows(), o.cols()) { std::copy_n(o.data(), o.size(), data()); }
    //! Leaves `o` empty: null storage and, for runtime extents, 0 x 0.
    Tensor(Tensor&& o) noexcept
        : detail::extents_holder<R, C>(o), data_(std::exchange(o.data_, nullptr)),
          capacity_(std::exchange(o.capacity_, 0)) {
        o.forget_extents();
    }
    //! Equal shapes copy in place, as Eigen does: the storage stays where it is, so every leaf and
    //! compiled step bound to this tensor reads the new values. Other shapes get new storage,
    //! which a bound step notices before its next run.
    Tensor& operator=(Tensor const& o) {
        if (this == &o) return *this;
        if (shape() == o.shape()) std::copy_n(o.data(), o.size(), data());
        else *this = Tensor(o);
        return *this;
    }
    //! Takes `o`'s storage (a bound step notices and re-reads the pointer) and leaves `o` empty.
    Tensor& operator=(Tensor&& o) noexcept {
        if (this == &o) return *this;
        release();
        static_cast<detail::extents_holder<R, C>&>(*this) = o;
        data_ = std::exchange(o.data_, nullptr);
        capacity_ = std::exchange(o.capacity_, 0);
        o.forget_extents();
        return *this;
    }
    ~Tensor() { release(); }

    [[nodiscard]] T* data() { return data_; }
    [[nodiscard]] T const* data() const { return data_; }
    [[nodiscard]] std::size_t size() const { return this->rows() * this->cols(); }
    [[nodiscard]] tapeless::shape shape() const { return {this->rows(), this->cols()}; }
    T& operator()(std::size_t i, std::size_t j) { return data_[i * this->cols() + j]; }
    T const& operator()(std::size_t i, std::size_t j) const { return data_[i * this->cols() + j]; }

    void fill(T v) { std::fill_n(data(), size(), v); }
    //! Elements the storage holds: at least `size()`, more after `resize_rows` made it smaller.
    [[nodiscard]] std::size_t capacity() const { return capacity_; }
    //! A new row count in the same storage, up to `capacity() / cols()` rows: a smaller last
    //! minibatch without an allocation. Rows kept keep their values; a bound step notices the new
    //! extent and plans again. Throws `shape_error` beyond the capacity.
    void resize_rows(std::size_t rows)
        requires(R == dynamic)
    {
        if (rows == this->rows()) return;
        if (this->cols() != 0 && rows > capacity_ / this->cols())
            throw shape_error("tapeless: tensor: resize_rows(" + std::to_string(rows) + ") of a " +
                              to_string(shape()) + " tensor needs " + std::to_string(rows * this->cols()) +
                              " elements, its storage holds " + std::to_string(capacity_));
        static_cast<detail::extents_holder<R, C>&>(*this) = detail::extents_holder<R, C>(rows, this->cols());
    }
    [[nodiscard]] TensorView<T, R, C> view() { return {data(), this->rows(), this->cols()}; }
    [[nodiscard]] TensorView<T const, R, C> view() const { return {data(), this->rows(), this->cols()}; }
    //! Where this tensor's storage pointer and extents live (what leaves remember).
    [[nodiscard]] detail::tensor_source<T> source() const {
        return {&data_, this->rows_address(), this->cols_address(), nullptr, nullptr};
    }

private:
    // A raw owning pointer rather than a unique_ptr: `source()` hands out its address.
    void release() noexcept {
        if (data_) detail::aligned_delete{}(std::exchange(data_, nullptr));
    }
    void forget_extents() noexcept {
        static_cast<detail::extents_holder<R, C>&>(*this) =
            detail::extents_holder<R, C>(R == dynamic ? 0 : R, C == dynamic ? 0 : C);
    }

    T* data_ = nullptr;
    std::size_t capacity_ = 0;
};

} // namespace tapeless

#endif
