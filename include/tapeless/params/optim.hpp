//! @file Lets every optimizer take a parameter set: `opt.step(params, step)`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PARAMS_OPTIM_HPP
#define TAPELESS_PARAMS_OPTIM_HPP

#include "../error.hpp"
#include "../optim/parameter_set.hpp"
#include "parameters.hpp"

#include <boost/hana/unpack.hpp>

#include <array>
#include <string>

namespace tapeless::optim::detail {

// The tensor a leaf views, writable: a leaf keeps the address of its Tensor's storage pointer, so
// the update lands in the user's tensor, and a moved-from tensor (null storage) is caught here.
template <class T, class L, class Step>
pair_ref<T> leaf_pair(char const* optimizer, L const& leaf, Step const& step) {
    static_assert(std::is_same_v<typename L::value_type, T>,
                  "tapeless: optim: a parameter must have the optimizer's element type");
    auto fail = [&](char const* what) {
        std::string msg = "tapeless: ";
        msg += optimizer;
        msg += ": parameter '";
        msg += L::name.view();
        msg += what;
        throw binding_error(msg);
    };
    if (!leaf.source.tracked()) fail("' views storage, not a Tensor: pass (tensor, step.grad(leaf)) pairs instead");
    T* p = *leaf.source.data;
    if (!p) fail("': its tensor was moved from");
    std::size_t rows = leaf.source.rows ? *leaf.source.rows : L::static_shape.rows;
    std::size_t cols = leaf.source.cols ? *leaf.source.cols : L::static_shape.cols;
    auto g = step.grad(leaf);
    return {p, g.data(), {rows, cols}, {g.rows(), g.cols()}};
}

template <class... L>
struct parameter_set_traits<boost::hana::tuple<L...>> {
    static constexpr bool value = (tapeless::detail::is_param_leaf<L> && ...);

    template <class T, class Step>
    static auto pairs(char const* optimizer, boost::hana::tuple<L...> const& params, Step const& step) {
        return boost::hana::unpack(params, [&](L const&... l) {
            return std::array<pair_ref<T>, sizeof...(L)>{detail::leaf_pair<T>(optimizer, l, step)...};
        });
    }
};

} // namespace tapeless::optim::detail

#endif
