//! @file Defines `to_string(expr)` and `to_string<E>()`: an expression, or a derived gradient
//! type, as readable infix text ("relu(x·w1 + b1)").
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_PRINT_HPP
#define TAPELESS_IO_PRINT_HPP

#include "../expr/node.hpp"
#include "../ops/add.hpp"
#include "../ops/matmul.hpp"
#include "../ops/mul.hpp"
#include "../ops/neg.hpp"
#include "../ops/sub.hpp"
#include "../ops/transpose.hpp"

#include <string>
#include <type_traits>

namespace tapeless {

namespace detail {
template <class E>
std::string print(int parent_precedence);

template <class E>
constexpr int precedence() {
    if constexpr (is_op_v<E, op::add> || is_op_v<E, op::sub>) return 1;
    else if constexpr (is_op_v<E, op::mul> || is_op_v<E, op::matmul>) return 2;
    else if constexpr (is_op_v<E, op::neg>) return 3;
    else return 4;
}

template <class E>
std::string print(int parent) {
    if constexpr (is_leaf_v<E>) {
        return std::string(E::name.view());
    } else if constexpr (is_scalar_v<E>) {
        return std::string("s") + std::to_string(E::id);
    } else if constexpr (is_constant_v<E>) {
        return [](auto c) {
            return []<long N, long D>(constant<N, D>) {
                return D == 1 ? std::to_string(N) : std::string("(") + std::to_string(N) + "/" + std::to_string(D) + ")";
            }(c);
        }(E{});
    } else {
        using Op = typename E::op;
        constexpr int p = precedence<E>();
        std::string s;
        if constexpr (is_op_v<E, op::add> || is_op_v<E, op::sub> || is_op_v<E, op::mul>) {
            s = print<arg_t<0, E>>(p) + (is_op_v<E, op::add> ? " + " : is_op_v<E, op::sub> ? " - " : " ⊙ ") +
                print<arg_t<1, E>>(p + 1);
        } else if constexpr (is_op_v<E, op::matmul>) {
            s = print<arg_t<0, E>>(p) + "·" + print<arg_t<1, E>>(p + 1);
        } else if constexpr (is_op_v<E, op::neg>) {
            s = std::string("-") + print<arg_t<0, E>>(p);
        } else if constexpr (is_op_v<E, op::transpose>) {
            s = print<arg_t<0, E>>(4) + "ᵀ";
        } else {
            s = std::string(Op::name) + "(";
            [&]<std::size_t... K>(std::index_sequence<K...>) {
                ((s += K ? ", " : "", s += print<arg_t<K, E>>(0)), ...);
            }(std::make_index_sequence<E::arity>{});
            s += ")";
        }
        return p < parent ? std::string("(") + s + ")" : s;
    }
}
} // namespace detail

//! The expression type E as text; scalars print as s0, s1, ... (their values live in objects).
template <class E>
std::string to_string() {
    return detail::print<E>(0);
}
//! The expression `e` as text.
template <expression E>
std::string to_string(E const&) {
    return to_string<E>();
}

} // namespace tapeless

#endif
