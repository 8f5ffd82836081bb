//! @file Defines the hook through which an optimizer's `step(params, step)` takes a whole parameter set.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPTIM_PARAMETER_SET_HPP
#define TAPELESS_OPTIM_PARAMETER_SET_HPP

#include "state.hpp"

#include <type_traits>

namespace tapeless::optim::detail {

//! Specialised by `<tapeless/params.hpp>` for parameter sets: `pairs<T>(optimizer, set, step)`
//! returns one `pair_ref` per leaf. A trait rather than an overload of `step`, so optim/ stays free
//! of Boost.Hana and of the expression layers it would need to name the set's type.
template <class Set>
struct parameter_set_traits {
    static constexpr bool value = false;
};

template <class... Args>
struct first_of {
    using type = void;
};
template <class First, class... Rest>
struct first_of<First, Rest...> {
    using type = std::remove_cvref_t<First>;
};

//! `step`'s arguments as pairs: either (parameter, gradient, ...) or (parameter set, compiled step).
template <class T, class... Args>
auto pairs_of(char const* optimizer, Args&... args) {
    if constexpr (sizeof...(Args) == 2 && parameter_set_traits<typename first_of<Args...>::type>::value)
        return parameter_set_traits<typename first_of<Args...>::type>::template pairs<T>(optimizer, args...);
    else return gather<T>(args...);
}

} // namespace tapeless::optim::detail

#endif
