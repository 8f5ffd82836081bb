//! @file Defines `sweep_graph`: the record graph the reverse sweep writes adjoints into, with the
//! simplifying builders every adjoint rule calls (`g.mul`, `g.sum_to`, `g.make<op::step>`, ...).
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_SIMPLIFY_RECORDS_HPP
#define TAPELESS_GRAPH_SIMPLIFY_RECORDS_HPP

#include "../ops/add.hpp"
#include "../ops/div.hpp"
#include "../ops/expand.hpp"
#include "../ops/matmul.hpp"
#include "../ops/mul.hpp"
#include "../ops/neg.hpp"
#include "../ops/sub.hpp"
#include "../ops/sum_to.hpp"
#include "../ops/transpose.hpp"
#include "record_graph.hpp"

#include <numeric>

// Each builder folds what it can see locally (zeros, ones, constants, double negation, double
// transpose, scalar factors) so adjoints come out as a person would write them: the seed's
// `2/N · (pred - y)` rather than `1 · (1/N) · 2 · (pred - y)`, with 2/N a 1x1 value computed once.
namespace tapeless::detail {

//! The ops the builders below create, whatever the graph: part of every derivation's op list.
using simplify_ops = type_list<op::neg, op::add, op::sub, op::div, op::mul, op::sum_to, op::expand,
                               op::transpose, op::matmul>;

//! A record graph over the op list `Ops` with the builders of derivation.
template <class Ops, std::size_t Cap>
struct sweep_graph : record_graph<Cap> {
    using base = record_graph<Cap>;
    using base::rec;

    template <class Op>
    static constexpr std::size_t op_index = [] {
        constexpr std::size_t i = index_of_v<Op, Ops>;
        static_assert(i != npos, "tapeless: internal: an adjoint rule creates an op it does not list in `uses`");
        return i;
    }();

    constexpr std::size_t arg(std::size_t y, std::size_t k) const { return rec[y].arg[k]; }
    constexpr std::size_t zero() { return this->constant(0); }
    constexpr std::size_t one() { return this->constant(1); }
    constexpr std::size_t constant(long num, long den = 1) { return base::constant(num, den); }

    constexpr bool is_const(std::size_t a) const { return rec[a].kind == record_kind::constant; }
    constexpr bool is_zero(std::size_t a) const { return is_const(a) && rec[a].num == 0; }
    constexpr bool is_one(std::size_t a) const { return is_const(a) && rec[a].num == 1 && rec[a].den == 1; }
    constexpr bool is_unit(std::size_t a) const { return rec[a].unit(); }
    template <class Op>
    constexpr bool is(std::size_t a) const {
        return rec[a].kind == record_kind::node && rec[a].op == op_index<Op>;
    }
    // a = tensor ⊙ factor, the factor 1x1.
    constexpr bool splits(std::size_t a) const {
        return is<op::mul>(a) && !is_unit(arg(a, 0)) && is_unit(arg(a, 1));
    }

    //! A node of op Op, as written: no folding.
    template <class Op, class... A>
    constexpr std::size_t make(A... a) {
        return this->node(op_index<Op>, static_cast<std::size_t>(a)...);
    }

    constexpr std::size_t neg(std::size_t a) {
        if (is_zero(a)) return a;
        if (is_const(a)) return constant(-rec[a].num, rec[a].den);
        if (is<op::neg>(a)) return arg(a, 0);
        return make<op::neg>(a);
    }
    constexpr std::size_t add(std::size_t a, std::size_t b) {
        if (is_zero(a)) return b;
        if (is_zero(b)) return a;
        if (is<op::neg>(b)) return make<op::sub>(a, arg(b, 0));
        return make<op::add>(a, b);
    }
    constexpr std::size_t sub(std::size_t a, std::size_t b) {
        if (is_zero(b)) return a;
        if (is_zero(a)) return neg(b);
        return make<op::sub>(a, b);
    }
    constexpr std::size_t div(std::size_t a, std::size_t b) {
        if (is_zero(a)) return zero();
        if (is_one(b)) return a;
        return make<op::div>(a, b);
    }
    constexpr std::size_t mul(std::size_t a, std::size_t b) {
        if (is_zero(a) || is_zero(b)) return zero();
        if (is_one(a)) return b;
        if (is_one(b)) return a;
        if (is_const(a) && is_const(b)) { // reduced, so equal values are one record
            long n = rec[a].num * rec[b].num, d = rec[a].den * rec[b].den;
            long g = std::gcd(n, d) * (d < 0 ? -1 : 1);
            return constant(n / g, d / g);
        }
        if (is_unit(a) && !is_unit(b)) return mul(b, a); // the factor goes right
        if (is_unit(b) && splits(a)) return make<op::mul>(arg(a, 0), mul(arg(a, 1), b)); // (t f) g = t (f g)
        if (!is_unit(a) && splits(b)) return mul(mul(a, arg(b, 0)), arg(b, 1));          // a (t f) = (a t) f
        if (is<op::neg>(a)) return neg(mul(arg(a, 0), b));
        if (is<op::neg>(b)) return neg(mul(a, arg(b, 0)));
        return make<op::mul>(a, b);
    }
    //! x̄ summed back to the shape of `like` over the domain of `y`; nothing when they provably agree.
    constexpr std::size_t sum_to(std::size_t xbar, std::size_t y, std::size_t like) {
        if (is_zero(xbar) || this->same_shape(y, like)) return xbar;
        // Two sums are one when the outer one reads x̄ at x̄'s own shape: it then only sums (every
        // sum_to's `like` is no larger than its domain: an argument of the broadcast it undoes). A
        // broadcast after a sum is not a sum: folding one dropped the inner sum (a Hessian-vector
        // product through a bias was off by half).
        if (is<op::sum_to>(xbar) && this->same_shape(xbar, y))
            return make<op::sum_to>(arg(xbar, 0), arg(xbar, 1), like);
        return make<op::sum_to>(xbar, y, like);
    }
    //! x broadcast to the full shape of `like`, for consumers that cannot broadcast (GEMM, outputs).
    constexpr std::size_t full(std::size_t x, std::size_t like) {
        if (is_zero(x) || this->same_shape(x, like)) return x; // a zero stays symbolic
        return make<op::expand>(x, like);
    }
    constexpr std::size_t transpose(std::size_t a) {
        if (is<op::transpose>(a)) return arg(a, 0);
        if (is_unit(a)) return a;
        if (is<op::matmul>(a)) { // (X·Y)ᵀ = Yᵀ·Xᵀ: a GEMM with swapped flags, no copy
            std::size_t l = transpose(arg(a, 1));
            return make<op::matmul>(l, transpose(arg(a, 0)));
        }
        if (is<op::expand>(a)) { // transpose what is inside the broadcast
            std::size_t x = transpose(arg(a, 0));
            return make<op::expand>(x, transpose(arg(a, 1)));
        }
        return make<op::transpose>(a);
    }
    constexpr std::size_t matmul(std::size_t a, std::size_t b) {
        if (is_zero(a) || is_zero(b)) return zero(); // no product of a zero adjoint
        return make<op::matmul>(a, b);
    }
};

} // namespace tapeless::detail

#endif
