//! @file Defines `naming<Nodes>`: which nodes of an expression DAG a printer shows by a name
//! (u1, u2, ... for shared intermediates, N, N2, ... for element counts) instead of inline.
//!
//! Computed once per node list at compile time, from the types alone: what each node shows of its
//! arguments, how often each node is shown, and the names. Printers (`to_string`, `to_latex`,
//! `display_names` in io/formula.hpp) render each node once against these names, so a shared
//! subexpression is written once however often it is read: output linear in the DAG, not the
//! tree.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_NAMES_HPP
#define TAPELESS_IO_NAMES_HPP

#include "../detail/type_list.hpp"
#include "../expr/node.hpp"
#include "../ops/column_index.hpp"
#include "../ops/expand.hpp"
#include "../ops/inv_count.hpp"
#include "../ops/mul.hpp"
#include "../ops/neg.hpp"
#include "../ops/sum_to.hpp"
#include "../ops/transpose.hpp"

#include <array>
#include <cstddef>

namespace tapeless {

namespace detail {
template <class E>
inline constexpr bool is_count_v = false;
template <count_of Of, auto A>
inline constexpr bool is_count_v<node<op::inv_count<Of>, A>> = true;

//! Never named, always inline: leaves, numbers, counts, the column index, and transposes,
//! negations, broadcasts, sums and 1x1 products of those (`w2ᵀ`, `2/N`).
template <class E>
inline constexpr bool is_trivial_v = is_leaf_v<E> || is_scalar_v<E> || is_constant_v<E> || is_count_v<E>;
template <auto A>
inline constexpr bool is_trivial_v<node<op::column_index, A>> = true;
template <auto A>
inline constexpr bool is_trivial_v<node<op::transpose, A>> = is_trivial_v<arg_type<A>>;
template <auto A>
inline constexpr bool is_trivial_v<node<op::neg, A>> = is_trivial_v<arg_type<A>>;
template <auto A, auto L>
inline constexpr bool is_trivial_v<node<op::expand, A, L>> = is_trivial_v<arg_type<A>>;
template <auto A, auto D, auto L>
inline constexpr bool is_trivial_v<node<op::sum_to, A, D, L>> = is_trivial_v<arg_type<A>>;
template <auto A, auto B>
inline constexpr bool is_trivial_v<node<op::mul, A, B>> =
    is_trivial_v<arg_type<A>> && is_trivial_v<arg_type<B>> && node<op::mul, A, B>::static_shape == shape{1, 1};

//! Shown as its argument: a broadcast is implicit in the notation.
template <class E>
inline constexpr bool is_transparent_v = is_op_v<E, op::expand>;

//! Whether a printer shows argument K of N. Arguments read for their shape only are not shown
//! (the `like` of expand and sum_to, the argument of column_index), except a count's, which its
//! definition shows (N = size(...)). x ⊙ x shows x once, as x².
template <class N, std::size_t K>
constexpr bool shows_arg() {
    if constexpr (is_count_v<N>) return true;
    else if constexpr (is_op_v<N, op::mul> && K == 1) return !TAPELESS_SAME(arg_t<0, N>, arg_t<1, N>);
    else return N::op::reads(K);
}

template <class N, class Nodes, bool Shown>
constexpr std::array<std::size_t, max_arity> arg_indices() {
    std::array<std::size_t, max_arity> r{npos, npos, npos, npos};
    if constexpr (is_node_v<N>)
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((r[K] = !Shown || detail::shows_arg<N, K>() ? index_of_v<arg_t<K, N>, Nodes> : npos), ...);
        }(std::make_index_sequence<N::arity>{});
    return r;
}
} // namespace detail

//! How a printer names the nodes of `Nodes`, a `type_list` of distinct nodes, every node after its
//! arguments (`nodes_t<E>`, or a compiled plan's node list).
//!
//! - `uses[i]`: how often node i is shown: once for each node that consumes nothing else (a root),
//!   then once per showing consumer that is itself shown (a transparent consumer passes its own
//!   count on). 0: not printed at all (read for its shape only, or not reachable).
//! - `shared[i]`: k > 0 when node i is named uk: shown more than once and not trivial. Numbered
//!   in list order, i.e. in order of first evaluation.
//! - `count[i]`: k > 0 when node i is an element count shown as N (k = 1), N2, N3, ...
template <class Nodes>
struct naming;
template <class... Ns>
struct naming<detail::type_list<Ns...>> {
    using nodes = detail::type_list<Ns...>;
    static constexpr std::size_t size = sizeof...(Ns);
    //! Shown arguments of each node, by position in `nodes` (npos: none or not shown).
    static constexpr std::array<std::array<std::size_t, detail::max_arity>, size> shown_args{
        detail::arg_indices<Ns, nodes, true>()...};

    static constexpr std::array<std::size_t, size> uses = [] {
        constexpr std::array<std::array<std::size_t, detail::max_arity>, size> all{
            detail::arg_indices<Ns, nodes, false>()...};
        constexpr bool transparent[] = {detail::is_transparent_v<Ns>..., false};
        std::array<bool, size> consumed{};
        for (auto const& a : all)
            for (std::size_t c : a)
                if (c != detail::npos) consumed[c] = true;
        std::array<std::size_t, size> u{};
        for (std::size_t i = size; i-- > 0;) {
            if (!consumed[i]) u[i] += 1;
            if (u[i] == 0) continue;
            for (std::size_t c : shown_args[i])
                if (c != detail::npos) u[c] += transparent[i] ? u[i] : 1;
        }
        return u;
    }();

    static constexpr std::array<std::size_t, size> shared = [] {
        constexpr bool plain[] = {(detail::is_trivial_v<Ns> || detail::is_transparent_v<Ns>)..., false};
        std::array<std::size_t, size> s{};
        for (std::size_t i = 0, k = 0; i < size; ++i)
            if (uses[i] > 1 && !plain[i]) s[i] = ++k;
        return s;
    }();

    static constexpr std::array<std::size_t, size> count = [] {
        constexpr bool is_count[] = {detail::is_count_v<Ns>..., false};
        std::array<std::size_t, size> s{};
        for (std::size_t i = 0, k = 0; i < size; ++i)
            if (uses[i] > 0 && is_count[i]) s[i] = ++k;
        return s;
    }();
};

} // namespace tapeless

#endif
