//! @file Defines the evaluation entry points: `compile`, `value_and_grad`, `eval` and `grad`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_COMPILE_HPP
#define TAPELESS_EVAL_COMPILE_HPP

#include "../error.hpp"
#include "../graph/adjoint.hpp"
#include "../graph/bind.hpp"
#include "../tensor/tensor.hpp"
#include "kernel.hpp"
#include "plan.hpp"
#include "workspace.hpp"

#include <algorithm>
#include <string>
#include <tuple>

namespace tapeless {

namespace detail {
template <class E>
inline constexpr bool has_kernel_v = [] {
    if constexpr (is_node_v<E>) return E::op::kind != op_kind::layout && E::op::kind != op_kind::shape_only;
    else return false;
}();
// Every output gets a buffer of its own: a leaf, constant or transpose is copied by `expand`.
template <class E, class Like>
using output_t = std::conditional_t<has_kernel_v<E>, E, node<op::expand, E, Like>>;

template <class N, class Nodes, class T>
shape checked_shape(std::array<shape, Nodes::size> const& shapes) {
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
        shape_result r = infer_shape(N::op::shape, shapes[index_of_v<arg_t<K, N>, Nodes>]...);
        if (!r.ok()) {
            std::string msg = std::string("tapeless: ") + N::op::name + ": shapes";
            ((msg += (K ? " and " : " ") + to_string(shapes[index_of_v<arg_t<K, N>, Nodes>])), ...);
            throw shape_error(msg + ": " + r.error);
        }
        return r.value;
    }(std::make_index_sequence<N::arity>{});
}
} // namespace detail

//! A loss and the gradients of `Wrt...`, planned once. Calling it recomputes everything from what
//! the bound tensors hold now, into a workspace allocated here: a call allocates nothing.
template <class Loss, class... Wrt>
class compiled {
public:
    using value_type = typename Loss::value_type;
    using root_type = detail::output_t<Loss, Loss>;
    template <class W>
    using gradient_type = detail::output_t<gradient_t<Loss, W>, W>;
    using outputs = detail::type_list<root_type, gradient_type<Wrt>...>;
    using nodes = nodes_t<root_type, gradient_type<Wrt>...>;
    using plan = detail::plan<nodes, outputs>;

    static_assert(detail::leaf_names_unique(nodes{}),
                  "tapeless: two different leaves share one name (kind, element type or static shape differ)");

    explicit compiled(Loss const& loss, Wrt const&... wrt) {
        (check_wrt<Loss, Wrt>(), ...);
        using T = value_type;
        bindings<T, nodes> b;
        tapeless::collect(loss, b);
        (tapeless::collect(wrt, b), ...);
        bind_shapes(b);
        std::array<std::size_t, plan::size> size{}, offset{};
        std::array<bool, plan::size> wanted{};
        constexpr auto const& a = plan::a;
        for (std::size_t i = 0; i < plan::size; ++i) {
            wanted[i] = a.buffer[i] && !a.alias[i] && a.info[i].cat != detail::category::leaf;
            size[i] = s_.shapes[i].size();
        }
        std::size_t total = detail::place_buffers<T>(size, wanted, a.group_of, a.last_use, offset);
        workspace_ = detail::allocate_aligned<T>(total);
        workspace_size_ = total;
        for (std::size_t i = 0; i < plan::size; ++i) {
            if (wanted[i]) s_.ptr[i] = workspace_.get() + offset[i];
            if (a.alias[i]) s_.ptr[i] = s_.ptr[a.info[i].arg[0]];
        }
        detail::choose_variants(s_);
    }

    //! One evaluation: the loss and every requested gradient.
    void operator()() { detail::run_plan(s_); }

    //! The loss of the last call (a 1 x 1 expression).
    [[nodiscard]] value_type value() const {
        static_assert(Loss::static_shape.rows == 1 && Loss::static_shape.cols == 1,
                      "tapeless: value() is for 1 x 1 expressions; use result()");
        return s_.ptr[index<root_type>][0];
    }
    //! The full value of the last call.
    [[nodiscard]] auto result() const { return view<root_type, Loss>(); }
    //! The gradient of the last call with respect to leaf `w`, viewing the workspace.
    template <class W>
    [[nodiscard]] auto grad(W const&) const {
        static_assert((std::is_same_v<W, Wrt> || ...), "tapeless: grad: this leaf was not passed to compile()");
        return view<gradient_type<W>, W>();
    }
    //! Elements of workspace (intermediates and gradients), for memory reports.
    [[nodiscard]] std::size_t workspace_size() const { return workspace_size_; }

private:
    template <class N>
    static constexpr std::size_t index = detail::index_of_v<N, nodes>;

    template <class N, class Like>
    auto view() const {
        constexpr std::size_t i = index<N>;
        return TensorView<value_type const, Like::static_shape.rows, Like::static_shape.cols>(
            s_.ptr[i], s_.shapes[i].rows, s_.shapes[i].cols);
    }

    template <class B>
    void bind_shapes(B const& b) {
        using T = value_type;
        [&]<class... Ns>(detail::type_list<Ns...>) {
            std::size_t i = 0;
            (([&] {
                 if constexpr (is_leaf_v<Ns>) {
                     s_.shapes[i] = b.shapes[i];
                     s_.ptr[i] = const_cast<T*>(b.data[i]); // read only: leaves are never written
                 } else if constexpr (is_scalar_v<Ns>) {
                     s_.shapes[i] = {1, 1};
                     s_.imm[i] = b.values[i];
                 } else if constexpr (is_constant_v<Ns>) {
                     s_.shapes[i] = {1, 1};
                     s_.imm[i] = Ns::template value<T>;
                 } else {
                     s_.shapes[i] = detail::checked_shape<Ns, nodes, T>(s_.shapes);
                     if constexpr (Ns::op::kind == op_kind::shape_only)
                         s_.imm[i] = Ns::op::template value<T>(s_.shapes[index<arg_t<0, Ns>>]);
                     else if constexpr (detail::immediate_v<Ns>)
                         s_.imm[i] = detail::apply_node<Ns>([&]<class A, std::size_t>() { return s_.imm[index<A>]; });
                 }
                 ++i;
             }()),
             ...);
        }(nodes{});
    }

    detail::state<value_type, plan> s_;
    detail::aligned_ptr<value_type> workspace_;
    std::size_t workspace_size_ = 0;
};

//! Plans `loss` and the gradients with respect to the leaves `wrt` once; see `compiled`.
//! `auto step = compile(loss, W1, B1); step(); step.value(); step.grad(W1);`
template <expression Loss, expression... Wrt>
auto compile(Loss const& loss, Wrt const&... wrt) {
    return compiled<Loss, Wrt...>(loss, wrt...);
}

namespace detail {
template <class V>
auto to_tensor(V const& v) {
    using T = std::remove_const_t<typename V::value_type>;
    Tensor<T, V::static_shape.rows, V::static_shape.cols> t(v.rows(), v.cols());
    std::copy_n(v.data(), v.size(), t.data());
    return t;
}
} // namespace detail

//! The value of an expression, as a new tensor.
template <expression E>
auto eval(E const& e) {
    compiled<E> c(e);
    c();
    return detail::to_tensor(c.result());
}

//! The loss and one gradient tensor per leaf in `wrt`, in one shot:
//! `auto [loss, gw1, gb1] = value_and_grad(mse(...), W1, B1);`
template <expression Loss, expression... Wrt>
auto value_and_grad(Loss const& loss, Wrt const&... wrt) {
    compiled<Loss, Wrt...> c(loss, wrt...);
    c();
    return std::tuple{c.value(), detail::to_tensor(c.grad(wrt))...};
}

} // namespace tapeless

#endif
