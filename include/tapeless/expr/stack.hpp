//! @file Defines `tapeless::stack`, a stack of parameters (one tensor per layer of a `repeat`),
//! and `params<"w">(vector)`, which makes one.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_STACK_HPP
#define TAPELESS_EXPR_STACK_HPP

#include "../tensor/tensor.hpp"
#include "leaf.hpp"
#include "leaf_table.hpp"
#include "node.hpp"

#include <vector>

namespace tapeless {

//! The parameters of the layers of a `repeat`, one tensor of type `Tensor` per layer, held by a
//! `std::vector` the user owns. Inside the block a layer is the leaf `layer` (named like the
//! stack); outside it the stack is not an expression, only a leaf of the `repeat` that uses it.
//! Like a leaf, it is followed: a compiled step reads the vector's length and storage at every
//! call and plans again when either changed (the tensors' own storage and extents too).
template <fixed_string Name, class Tensor>
struct stack {
    using value_type = typename Tensor::value_type;
    using tensor_type = Tensor;
    using vector_type = std::vector<Tensor>;
    //! One layer of the stack, as the block sees it.
    using layer = leaf<Name, leaf_kind::param, value_type, Tensor::static_shape>;
    static constexpr auto name = Name;
    static constexpr shape static_shape{dynamic, 1};

    // A leaf table entry's fields, so a stack is bound and followed like a tensor: `data` stands
    // for the vector's storage, `rows` for its length; `source` reads both from the vector.
    value_type const* data = nullptr;
    std::size_t rows = 0;
    std::size_t cols = 1;
    detail::tensor_source<value_type> source{};

    //! The vector behind a bound stack's `source`.
    static vector_type& vector(detail::tensor_source<value_type> const& s) {
        return *static_cast<vector_type*>(const_cast<void*>(s.object));
    }
};

namespace detail {
// A vector's identity as a leaf entry reads it: its storage (the vector itself while it is empty,
// so an empty stack is still bound) and its length.
template <class V, class T>
tensor_state<T> read_stack(void const* v) {
    auto const& vec = *static_cast<V const*>(v);
    void const* at = vec.empty() ? v : static_cast<void const*>(vec.data());
    return {static_cast<T const*>(at), vec.size(), 1};
}

template <class E>
inline constexpr bool is_stack_v = false;
template <fixed_string N, class X>
inline constexpr bool is_stack_v<stack<N, X>> = true;

template <fixed_string N, class X>
struct leaf_types<stack<N, X>> {
    using type = type_list<stack<N, X>>;
};
template <fixed_string N, class X>
inline constexpr std::string_view leaf_name_v<stack<N, X>> = N.view();
} // namespace detail

//! What `compile` and `grad` differentiate: a leaf (an expression) or a stack.
template <class E>
concept differentiable = expression<E> || detail::is_stack_v<E>;

namespace detail {
//! Every type of a pack is `differentiable`. An array, not `differentiable... Wrt`: clang checks a
//! constrained pack as one fold expression, which stops at 256 arguments (a 128-block network has
//! 258 parameters).
template <class... E>
constexpr bool all_differentiable() {
    constexpr bool ok[] = {true, differentiable<E>...};
    for (bool b : ok)
        if (!b) return false;
    return true;
}
} // namespace detail

//! A stack of parameters named `Name` over the tensors of `v`, one per layer of a `repeat`:
//! `auto W = tl::params<"w">(w); ... tl::repeat(block, x, W, B)`. `v` must outlive the stack.
template <fixed_string Name, class T, std::size_t R, std::size_t C>
auto params(std::vector<Tensor<T, R, C>>& v) {
    using S = stack<Name, Tensor<T, R, C>>;
    using V = typename S::vector_type;
    S s;
    auto const now = detail::read_stack<V, T>(&v);
    s.data = now.data;
    s.rows = now.rows;
    s.source = {nullptr, nullptr, nullptr, &v, &detail::read_stack<V, T>};
    return s;
}

} // namespace tapeless

#endif
