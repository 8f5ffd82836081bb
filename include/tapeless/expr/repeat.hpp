//! @file Defines `tapeless::repeat`: a block applied once per layer of its parameter stacks, with
//! the number of layers read at run time -- the block's gradient is derived once, whatever it is.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_REPEAT_HPP
#define TAPELESS_EXPR_REPEAT_HPP

#include "../ops/repeat.hpp"
#include "../ops/seed.hpp"
#include "build.hpp"
#include "stack.hpp"

#include <type_traits>
#include <utility>

namespace tapeless {

namespace detail {
//! What a `repeat` is, as a type: its block, the shape and element type of what flows through it,
//! and its stacks. The block is called once here on stand-in leaves to get its expression type
//! (`body`), and once per layer when a step is bound, on that layer's tensors.
template <class Block, class T, shape S, class... Stacks>
struct repeat_spec {
    using block = Block;
    using value_type = T;
    using stacks = type_list<Stacks...>;
    //! h_i inside the block, and the adjoint of its result (the block's cotangent).
    using h = leaf<"h", leaf_kind::param, T, S>;
    using cotangent = leaf<"h'", leaf_kind::input, T, S>;
    using body = decltype(std::declval<Block const&>()(h{}, typename Stacks::layer{}...));
};
} // namespace detail

template <class Spec>
struct detail::op_leaves<op::repeat<Spec>> {
    using type = typename Spec::stacks;
};

//! h_L, where h_0 = x and h_{i+1} = block(h_i, w_i, b_i, ...) over layers i of the stacks:
//! `tl::repeat([](auto const& h, auto const& w, auto const& b) { return h + tl::tanh(tl::lin(h, w, b)); }, x, W, B)`.
//! The stacks' common length is the number of layers, read at each step (0: x itself). The block
//! takes h and one layer of each stack, returns an expression of h's shape, and captures nothing
//! (it is called again for each layer when a step is bound). A stack belongs to one `repeat`.
template <class Block, expression X, class... Stacks>
    requires(detail::is_stack_v<Stacks> && ...)
auto repeat(Block const&, X const& x, Stacks const&... stacks) {
    using T = typename X::value_type;
    static_assert(sizeof...(Stacks) > 0, "tapeless: repeat: give at least one stack of parameters");
    static_assert((std::is_same_v<typename Stacks::value_type, T> && ...),
                  "tapeless: repeat: the stacks' element type differs from x's");
    static_assert(std::is_empty_v<Block> && std::is_default_constructible_v<Block>,
                  "tapeless: repeat: the block must capture nothing (it is called again for every layer); "
                  "pass runtime values as inputs or stacks");
    static_assert(((Stacks::name.view() != "h" && Stacks::name.view() != "h'") && ...),
                  "tapeless: repeat: 'h' and \"h'\" name the block's input and its adjoint; rename the stack");
    using Spec = detail::repeat_spec<Block, T, X::static_shape, Stacks...>;
    using Body = typename Spec::body;
    static_assert(expression<Body>, "tapeless: repeat: the block must return an expression");
    constexpr auto agree = [](std::size_t a, std::size_t b) { return a == b || a == dynamic || b == dynamic; };
    static_assert(agree(Body::static_shape.rows, X::static_shape.rows) && agree(Body::static_shape.cols, X::static_shape.cols),
                  "tapeless: repeat: the block must return an expression of h's shape");
    using N = node_of<op::repeat<Spec>, X>;
    N n{};
    detail::leaf_entry<T> own[sizeof...(Stacks) + 1]{detail::to_entry(stacks)...};
    detail::leaf_entry<T> const* base[sizeof...(Stacks) + 1]{};
    for (std::size_t k = 0; k < sizeof...(Stacks); ++k) base[k] = &own[k];
    detail::leaf_entry<T> x_own{};
    detail::arg_state<T> const xs = detail::state_of<T>(x, x_own);
    base[sizeof...(Stacks)] = xs.entries;
    std::string_view const found = detail::combine_tables<T>(
        n.leaves.e.data(), base,
        detail::merge_of<typename N::leaf_list, detail::type_list<Stacks>..., detail::leaf_types_t<X>>);
    n.conflict = xs.conflict.empty() ? detail::name_ref::of(found) : xs.conflict;
    n.extent.set(xs.extent);
    return n;
}

} // namespace tapeless

#endif
