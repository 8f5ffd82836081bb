//! @file Defines `parameters(W1, B1, ...)`, a parameter set, and `compile` and `value_and_grad` over one.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PARAMS_PARAMETERS_HPP
#define TAPELESS_PARAMS_PARAMETERS_HPP

#include "../eval/compile.hpp"
#include "../expr/leaf.hpp"
#include "../expr/node.hpp"

#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>

#include <type_traits>

namespace tapeless {

namespace detail {
template <class L>
constexpr bool is_param_leaf = false;
template <fixed_string Name, class T, shape S>
constexpr bool is_param_leaf<leaf<Name, leaf_kind::param, T, S>> = true;

template <class... L>
constexpr bool names_distinct() {
    constexpr std::string_view names[] = {L::name.view()..., {}};
    for (std::size_t i = 0; i < sizeof...(L); ++i)
        for (std::size_t j = i + 1; j < sizeof...(L); ++j)
            if (names[i] == names[j]) return false;
    return true;
}
} // namespace detail

//! A parameter set: the `param` leaves of a model, as a `boost::hana::tuple` of the leaf objects
//! (each a view of the user's tensor), so a whole model's parameters pass as one value:
//! `compile(loss, params)`, `opt.step(params, step)`, `hana::for_each(params, ...)`.
template <class... L>
using parameter_set = boost::hana::tuple<L...>;

//! `auto params = parameters(W1, B1, W2, B2);`: only `param` leaves, each name once.
template <class... L>
constexpr parameter_set<L...> parameters(L const&... leaves) {
    static_assert((detail::is_param_leaf<L> && ...),
                  "tapeless: parameters: every argument must be a param leaf (param<\"name\">(tensor)), not an "
                  "input, scalar or expression");
    static_assert(detail::names_distinct<L...>(), "tapeless: parameters: two leaves share one name");
    return {leaves...};
}

//! `compile(loss, params)` is `compile(loss, W1, B1, ...)` for the leaves of `params`, in order.
template <expression Loss, class... L>
    requires(detail::is_param_leaf<L> && ...)
auto compile(Loss const& loss, parameter_set<L...> const& params) {
    return boost::hana::unpack(params, [&](L const&... l) { return compiled<Loss, L...>(loss, l...); });
}

//! `value_and_grad(loss, params)`: the loss and one gradient tensor per leaf of `params`, in order.
template <expression Loss, class... L>
    requires(detail::is_param_leaf<L> && ...)
auto value_and_grad(Loss const& loss, parameter_set<L...> const& params) {
    return boost::hana::unpack(params, [&](L const&... l) { return tapeless::value_and_grad(loss, l...); });
}

} // namespace tapeless

#endif
