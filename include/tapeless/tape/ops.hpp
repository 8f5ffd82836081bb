//! @file Defines the ops a `tapeless::tape::tape` records: each computes its value now and appends one node.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TAPE_OPS_HPP
#define TAPELESS_TAPE_OPS_HPP

#include "../error.hpp"
#include "../linalg/gemm.hpp"
#include "../ops/dropout.hpp"
#include "../tensor/tensor.hpp"
#include "kernels.hpp"
#include "node.hpp"
#include "tape.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>

namespace tapeless::tape {

//! A plain number that mixes into ops on vars (converted to the tape's element type).
template <class S>
concept number = std::is_arithmetic_v<S>;

namespace detail {

// The forward half of every op: checks shapes, computes the value into the arena, records the node.
// A friend of tape<T>; users call the free functions below.
template <class T>
struct recorder {
    using node_t = node<T>;

    static tape<T>& owner(var<T> const& v, char const* what) {
        if (!v.t_) throw error(std::string("tapeless: tape: ") + what + ": default-constructed var");
        v.t_->check(v, what);
        return *v.t_;
    }
    static tape<T>& owner(var<T> const& a, var<T> const& b, char const* what) {
        tape<T>& t = owner(a, what);
        if (&owner(b, what) != &t) throw error(std::string("tapeless: tape: ") + what + ": vars of two tapes");
        return t;
    }
    [[noreturn]] static void shapes(char const* what, node_t const& a, node_t const& b, char const* why) {
        throw shape_error(std::string("tapeless: tape: ") + what + ": shapes " + to_string({a.rows, a.cols}) +
                          " and " + to_string({b.rows, b.cols}) + ": " + why);
    }

    static var<T> unary(op_code op, var<T> const& x, T s0, T s1, char const* what) {
        tape<T>& t = owner(x, what);
        T const* xv = t.value_of(x.id_);
        node_t n;
        n.op = op;
        n.rows = t.nodes_[x.id_].rows;
        n.cols = t.nodes_[x.id_].cols;
        n.needs_grad = t.nodes_[x.id_].needs_grad;
        n.in[0] = x.id_;
        n.s0 = s0;
        n.s1 = s1;
        T* y = t.arena_.template allocate<T>(n.size());
        visit_unary(op, [&]<class U>() { unary_forward<U>(n.size(), xv, y, s0, s1); });
        n.value = y;
        return t.push(n);
    }

    // NumPy broadcasting in 2-D: each extent equal, or 1 in one operand.
    static var<T> binary(op_code op, var<T> const& a, var<T> const& b, char const* what) {
        tape<T>& t = owner(a, b, what);
        T const* av = t.value_of(a.id_);
        T const* bv = t.value_of(b.id_);
        node_t const& na = t.nodes_[a.id_];
        node_t const& nb = t.nodes_[b.id_];
        auto ext = [&](std::size_t x, std::size_t y) {
            if (x == y || y == 1) return x;
            if (x == 1) return y;
            shapes(what, na, nb, "they do not broadcast");
        };
        node_t n;
        n.op = op;
        n.rows = ext(na.rows, nb.rows);
        n.cols = ext(na.cols, nb.cols);
        n.needs_grad = na.needs_grad || nb.needs_grad;
        n.in[0] = a.id_;
        n.in[1] = b.id_;
        auto e = broadcast_extents(n.rows, n.cols, na.rows, na.cols, nb.rows, nb.cols);
        auto oa = make_operand(av, na.rows, na.cols, e);
        auto ob = make_operand(bv, nb.rows, nb.cols, e);
        T* y = t.arena_.template allocate<T>(n.size());
        visit_binary(op, [&]<class B>() { binary_forward<B>(e, oa, ob, y); });
        n.value = y;
        return t.push(n);
    }

    // A transpose node's source, with the flag set: what matmul hands the GEMM instead of a copy.
    static std::uint32_t fold(tape<T>& t, std::uint32_t id, bool& transposed) {
        node_t const& n = t.nodes_[id];
        transposed = n.op == op_code::transpose;
        return transposed ? n.in[0] : id;
    }

    static var<T> matmul(var<T> const& a, var<T> const& b, var<T> const* bias, char const* what) {
        tape<T>& t = owner(a, b, what);
        if (bias && &owner(*bias, what) != &t) throw error(std::string("tapeless: tape: ") + what + ": vars of two tapes");
        node_t n;
        n.op = op_code::matmul;
        n.in[0] = fold(t, a.id_, n.ta);
        n.in[1] = fold(t, b.id_, n.tb);
        node_t const& A = t.nodes_[n.in[0]];
        node_t const& B = t.nodes_[n.in[1]];
        std::size_t const k = n.ta ? A.rows : A.cols;
        if (k != (n.tb ? B.cols : B.rows))
            shapes(what, t.nodes_[a.id_], t.nodes_[b.id_], "inner extents differ");
        n.rows = n.ta ? A.cols : A.rows;
        n.cols = n.tb ? B.rows : B.cols;
        n.needs_grad = A.needs_grad || B.needs_grad;
        T* y = t.arena_.template allocate<T>(n.size());
        T beta = T(0);
        if (bias) {
            node_t const& c = t.nodes_[bias->id_];
            if ((c.rows != 1 && c.rows != n.rows) || (c.cols != 1 && c.cols != n.cols))
                throw shape_error(std::string("tapeless: tape: ") + what + ": bias " + to_string({c.rows, c.cols}) +
                                  " does not broadcast to the product's " + to_string({n.rows, n.cols}));
            auto e = broadcast_extents(n.rows, n.cols, c.rows, c.cols, c.rows, c.cols);
            auto oc = make_operand(t.value_of(bias->id_), c.rows, c.cols, e);
            binary_forward<b_right>(e, oc, oc, y);
            n.in[2] = bias->id_;
            n.needs_grad = n.needs_grad || c.needs_grad;
            beta = T(1);
        }
        gemm<T>(n.ta, n.tb, n.rows, n.cols, k, T(1), A.value, A.cols, B.value, B.cols, beta, y, n.cols);
        n.value = y;
        return t.push(n);
    }

    static var<T> transpose(var<T> const& x) {
        tape<T>& t = owner(x, "transpose");
        node_t const& s = t.nodes_[x.id_];
        if (s.op == op_code::transpose) return var<T>(&t, s.in[0], t.generation_); // (xᵀ)ᵀ = x
        node_t n;
        n.op = op_code::transpose;
        n.rows = s.cols;
        n.cols = s.rows;
        n.needs_grad = s.needs_grad;
        n.in[0] = x.id_;
        // A vector's transpose is the same bytes; a matrix's is made only if something reads it.
        if (s.rows == 1 || s.cols == 1) n.value = t.value_of(x.id_);
        return t.push(n);
    }

    static var<T> reduce(op_code op, var<T> const& x, bool mean, char const* what) {
        tape<T>& t = owner(x, what);
        T const* xv = t.value_of(x.id_);
        node_t const& s = t.nodes_[x.id_];
        node_t n;
        n.op = op;
        n.rows = op == op_code::sum_cols || op == op_code::sum_all ? 1 : s.rows;
        n.cols = op == op_code::sum_rows || op == op_code::sum_all ? 1 : s.cols;
        n.needs_grad = s.needs_grad;
        n.in[0] = x.id_;
        // Elements per output: counted from the extents, so an empty input gives 1/0 (a NaN mean, as
        // the compiled mean), not an integer division by zero.
        std::size_t const count = op == op_code::sum_all ? s.size() : op == op_code::sum_rows ? s.cols : s.rows;
        n.s0 = mean ? T(1) / static_cast<T>(count) : T(1);
        T* y = t.arena_.template allocate<T>(n.size());
        if (op == op_code::sum_all) y[0] = n.s0 * reduce_sum<T>(s.size(), [&](std::size_t k) { return xv[k]; });
        else if (op == op_code::sum_rows) sum_rows_forward(s.rows, s.cols, xv, y, n.s0);
        else sum_cols_forward(s.rows, s.cols, xv, y, n.s0);
        n.value = y;
        return t.push(n);
    }

    // A scalar loss of two same-shaped operands.
    static var<T> loss2(op_code op, var<T> const& a, var<T> const& b, char const* what) {
        tape<T>& t = owner(a, b, what);
        T const* av = t.value_of(a.id_);
        T const* bv = t.value_of(b.id_);
        node_t const& na = t.nodes_[a.id_];
        node_t const& nb = t.nodes_[b.id_];
        if (na.rows != nb.rows || na.cols != nb.cols) shapes(what, na, nb, "they differ");
        node_t n;
        n.op = op;
        n.rows = n.cols = 1;
        n.needs_grad = na.needs_grad || nb.needs_grad;
        n.in[0] = a.id_;
        n.in[1] = b.id_;
        std::size_t const size = na.size(), r = na.rows, c = na.cols;
        T* y = t.arena_.template allocate<T>(1);
        switch (op) {
        case op_code::mse:
            y[0] = reduce_sum<T>(size, [&](std::size_t k) { return (av[k] - bv[k]) * (av[k] - bv[k]); }) /
                   static_cast<T>(size);
            break;
        case op_code::bce_logits:
            y[0] = reduce_sum<T>(size, [&](std::size_t k) { return softplus(av[k]) - av[k] * bv[k]; }) /
                   static_cast<T>(size);
            break;
        default: { // cross_entropy_probs: -(1/N) Σ_ij t_ij (x_ij - lse_i)
            if (c == 0) shapes(what, na, nb, "no classes");
            T* stats = t.arena_.template allocate<T>(2 * r); // row max, then row log-sum
            T total = T(0);
            for (std::size_t i = 0; i < r; ++i) {
                auto const lse = row_logsumexp(c, av + i * c);
                T const m = lse.max, ls = lse.log_sum; // named: clang 14 cannot capture structured bindings
                stats[i] = m;
                stats[r + i] = ls;
                total += reduce_sum<T>(c, [&](std::size_t j) { return bv[i * c + j] * ((av[i * c + j] - m) - ls); });
            }
            y[0] = -total / static_cast<T>(r);
            n.aux = stats;
        }
        }
        n.value = y;
        return t.push(n);
    }

    static var<T> l2(var<T> const& w) {
        tape<T>& t = owner(w, "l2");
        T const* wv = t.value_of(w.id_);
        node_t n;
        n.op = op_code::l2;
        n.rows = n.cols = 1;
        n.needs_grad = t.nodes_[w.id_].needs_grad;
        n.in[0] = w.id_;
        T* y = t.arena_.template allocate<T>(1);
        y[0] = reduce_sum<T>(t.nodes_[w.id_].size(), [&](std::size_t k) { return wv[k] * wv[k]; });
        n.value = y;
        return t.push(n);
    }

    static var<T> softmax(op_code op, var<T> const& x, char const* what) {
        tape<T>& t = owner(x, what);
        T const* xv = t.value_of(x.id_);
        node_t n;
        n.op = op;
        n.rows = t.nodes_[x.id_].rows;
        n.cols = t.nodes_[x.id_].cols;
        if (n.cols == 0) throw shape_error(std::string("tapeless: tape: ") + what + ": no columns");
        n.needs_grad = t.nodes_[x.id_].needs_grad;
        n.in[0] = x.id_;
        std::size_t const c = n.cols;
        T* y = t.arena_.template allocate<T>(n.size());
        for (std::size_t i = 0; i < n.rows; ++i) {
            T* TAPELESS_RESTRICT yr = y + i * c;
            T const* xr = xv + i * c;
            if (op == op_code::log_softmax) {
                auto const [m, ls] = row_logsumexp(c, xr);
                for (std::size_t j = 0; j < c; ++j) yr[j] = (xr[j] - m) - ls;
            } else { // exp(x - m) / s: one exp per element, and a division accurate to an ulp
                T m = xr[0];
                for (std::size_t j = 1; j < c; ++j) m = xr[j] > m ? xr[j] : m;
                for (std::size_t j = 0; j < c; ++j) yr[j] = std::exp(xr[j] - m);
                T const inv = T(1) / reduce_sum<T>(c, [&](std::size_t j) { return yr[j]; });
                for (std::size_t j = 0; j < c; ++j) yr[j] *= inv;
            }
        }
        n.value = y;
        return t.push(n);
    }

    // Each row to mean 0, variance 1: the value x̂ and, in aux, each row's 1/σ for the backward sweep.
    static var<T> layer_norm(var<T> const& x, T eps) {
        tape<T>& t = owner(x, "layer_norm");
        T const* xv = t.value_of(x.id_);
        node_t n;
        n.op = op_code::layer_norm;
        n.rows = t.nodes_[x.id_].rows;
        n.cols = t.nodes_[x.id_].cols;
        if (n.cols == 0) throw shape_error("tapeless: tape: layer_norm: no columns");
        n.needs_grad = t.nodes_[x.id_].needs_grad;
        n.in[0] = x.id_;
        n.s0 = eps;
        std::size_t const c = n.cols;
        T* y = t.arena_.template allocate<T>(n.size());
        T* rstd = t.arena_.template allocate<T>(n.rows);
        for (std::size_t i = 0; i < n.rows; ++i) {
            T const* xr = xv + i * c;
            T const mean = reduce_sum<T>(c, [&](std::size_t j) { return xr[j]; }) / static_cast<T>(c);
            T const var = reduce_sum<T>(c, [&](std::size_t j) { return (xr[j] - mean) * (xr[j] - mean); }) /
                          static_cast<T>(c);
            rstd[i] = T(1) / std::sqrt(var + eps);
            for (std::size_t j = 0; j < c; ++j) y[i * c + j] = (xr[j] - mean) * rstd[i];
        }
        n.aux = rstd;
        n.value = y;
        return t.push(n);
    }

    // Every probability matrix P (one seq x seq per sequence and head) is kept in aux for the
    // backward sweep: a tape's way, the simplest, and independent of the compiled kernels.
    static var<T> attention(var<T> const& q, var<T> const& k, var<T> const& v, std::size_t seq, std::size_t heads,
                            bool causal) {
        tape<T>& t = owner(q, k, "attention");
        if (&owner(v, "attention") != &t) throw error("tapeless: tape: attention: vars of two tapes");
        node_t const &nq = t.nodes_[q.id_], &nk = t.nodes_[k.id_], &nv = t.nodes_[v.id_];
        if (nk.rows != nq.rows || nk.cols != nq.cols) shapes("attention", nq, nk, "q and k differ");
        if (nv.rows != nq.rows || nv.cols != nq.cols) shapes("attention", nq, nv, "q and v differ");
        if (seq == 0 || nq.rows % seq) throw shape_error("tapeless: tape: attention: rows must be whole sequences");
        if (heads == 0 || nq.cols % heads) throw shape_error("tapeless: tape: attention: columns must be whole heads");
        std::size_t const n = nq.rows, d = nq.cols, dh = d / heads, nseq = n / seq;
        T const *qv = t.value_of(q.id_), *kv = t.value_of(k.id_), *vv = t.value_of(v.id_);
        T* p = t.arena_.template allocate<T>(nseq * heads * seq * seq);
        T* y = t.arena_.template allocate<T>(n * d);
        T const scale = T(1) / std::sqrt(static_cast<T>(dh));
        for (std::size_t b = 0; b < nseq; ++b)
            for (std::size_t h = 0; h < heads; ++h) {
                T* pb = p + (b * heads + h) * seq * seq;
                for (std::size_t i = 0; i < seq; ++i) {
                    T m = -std::numeric_limits<T>::infinity();
                    for (std::size_t j = 0; j < seq; ++j) {
                        T s = T(0);
                        for (std::size_t c = 0; c < dh; ++c) s += qv[(b * seq + i) * d + h * dh + c] * kv[(b * seq + j) * d + h * dh + c];
                        pb[i * seq + j] = causal && j > i ? -std::numeric_limits<T>::infinity() : s * scale;
                        m = std::max(m, pb[i * seq + j]);
                    }
                    T total = T(0);
                    for (std::size_t j = 0; j < seq; ++j) total += pb[i * seq + j] = std::exp(pb[i * seq + j] - m);
                    for (std::size_t j = 0; j < seq; ++j) pb[i * seq + j] /= total;
                    for (std::size_t c = 0; c < dh; ++c) {
                        T acc = T(0);
                        for (std::size_t j = 0; j < seq; ++j) acc += pb[i * seq + j] * vv[(b * seq + j) * d + h * dh + c];
                        y[(b * seq + i) * d + h * dh + c] = acc;
                    }
                }
            }
        node_t nn;
        nn.op = op_code::attention;
        nn.rows = n;
        nn.cols = d;
        nn.needs_grad = nq.needs_grad || nk.needs_grad || nv.needs_grad;
        nn.in[0] = q.id_;
        nn.in[1] = k.id_;
        nn.in[2] = v.id_;
        nn.s0 = static_cast<T>(seq);
        nn.s1 = static_cast<T>(heads);
        nn.ta = causal;
        nn.aux = p;
        nn.value = y;
        return t.push(nn);
    }

    // x ⊙ mask/(1-p), the factors kept in aux; the mask as the compiled op draws it (`dropout_mask`).
    static var<T> dropout(var<T> const& x, T p, tapeless::detail::random_stream const& stream, std::size_t site) {
        tape<T>& t = owner(x, "dropout");
        if (!(p >= T(0) && p <= T(1))) throw value_error("tapeless: tape: dropout: p must be in [0, 1]");
        node_t n;
        n.op = op_code::dropout;
        n.rows = t.nodes_[x.id_].rows;
        n.cols = t.nodes_[x.id_].cols;
        n.needs_grad = t.nodes_[x.id_].needs_grad;
        n.in[0] = x.id_;
        T* factor = t.arena_.template allocate<T>(n.size());
        T const* xv = t.value_of(x.id_);
        tapeless::detail::dropout_mask const mask(stream, site, double(p));
        T const scale = p < T(1) ? T(1) / (T(1) - p) : T(0);
        for (std::size_t e = 0; e < n.size(); e += 4) {
            auto const keep = mask.kept4(e);
            for (std::size_t l = 0; l < 4 && e + l < n.size(); ++l) factor[e + l] = keep[l] ? scale : T(0);
        }
        T* y = t.arena_.template allocate<T>(n.size());
        for (std::size_t e = 0; e < n.size(); ++e) y[e] = xv[e] * factor[e];
        n.aux = factor;
        n.value = y;
        return t.push(n);
    }

    // Row ids[i] of the table as row i; the ids are checked and copied (N ints).
    template <class L>
    static var<T> embedding(var<T> const& table, std::size_t count, L id_at) {
        tape<T>& t = owner(table, "embedding");
        node_t const& tn = t.nodes_[table.id_];
        int* ids = t.arena_.template allocate<int>(count);
        for (std::size_t i = 0; i < count; ++i) {
            auto const v = id_at(i);
            if (!(v >= 0 && static_cast<std::size_t>(v) < tn.rows) || v != static_cast<decltype(v)>(static_cast<int>(v)))
                throw value_error("tapeless: tape: embedding: id of row " + std::to_string(i) +
                                  " is not a row of the table (0.." + std::to_string(tn.rows) + ")");
            ids[i] = static_cast<int>(v);
        }
        node_t n;
        n.op = op_code::embedding;
        n.rows = count;
        n.cols = tn.cols;
        n.needs_grad = tn.needs_grad;
        n.in[0] = table.id_;
        n.labels = ids;
        T const* tv = t.value_of(table.id_);
        T* y = t.arena_.template allocate<T>(n.size());
        for (std::size_t i = 0; i < count; ++i)
            std::copy_n(tv + static_cast<std::size_t>(ids[i]) * n.cols, n.cols, y + i * n.cols);
        n.value = y;
        return t.push(n);
    }

    // -(1/N) Σ_i log_softmax(x)_{i, l_i}; the labels are copied (N ints), so a temporary is fine.
    template <class L>
    static var<T> cross_entropy_labels(var<T> const& x, std::size_t count, L label_at) {
        tape<T>& t = owner(x, "cross_entropy");
        T const* xv = t.value_of(x.id_);
        node_t n;
        n.op = op_code::cross_entropy_labels;
        std::size_t const r = t.nodes_[x.id_].rows, c = t.nodes_[x.id_].cols;
        if (count != r)
            throw shape_error("tapeless: tape: cross_entropy: " + std::to_string(count) + " labels for " +
                              std::to_string(r) + " rows of logits");
        int* labels = t.arena_.template allocate<int>(r);
        for (std::size_t i = 0; i < r; ++i) {
            auto const l = label_at(i);
            if (!(l >= 0 && static_cast<std::size_t>(l) < c) || l != static_cast<decltype(l)>(static_cast<int>(l)))
                throw error("tapeless: tape: cross_entropy: label of row " + std::to_string(i) +
                            " is not a class index below " + std::to_string(c));
            labels[i] = static_cast<int>(l);
        }
        n.rows = n.cols = 1;
        n.needs_grad = t.nodes_[x.id_].needs_grad;
        n.in[0] = x.id_;
        n.labels = labels;
        T* stats = t.arena_.template allocate<T>(2 * r); // row max, then row log-sum
        T total = T(0);
        for (std::size_t i = 0; i < r; ++i) {
            auto const [m, ls] = row_logsumexp(c, xv + i * c);
            stats[i] = m;
            stats[r + i] = ls;
            total += (xv[i * c + static_cast<std::size_t>(labels[i])] - m) - ls;
        }
        T* y = t.arena_.template allocate<T>(1);
        y[0] = -total / static_cast<T>(r);
        n.aux = stats;
        n.value = y;
        return t.push(n);
    }
};

template <class T, class S>
T as(S s) {
    return static_cast<T>(s);
}

} // namespace detail

// ---------------------------------------------------------------------------------------------
// Elementwise binary ops. Shapes broadcast as NumPy's do in 2-D: a row vector (1 x n), a column
// vector (m x 1) or a scalar (1 x 1) is repeated along its extents of 1; its adjoint sums over them.

//! a + b, broadcasting.
template <class T> var<T> add(var<T> const& a, var<T> const& b) { return detail::recorder<T>::binary(op_code::add, a, b, "add"); }
//! a - b, broadcasting.
template <class T> var<T> sub(var<T> const& a, var<T> const& b) { return detail::recorder<T>::binary(op_code::sub, a, b, "sub"); }
//! a ⊙ b (elementwise), broadcasting.
template <class T> var<T> mul(var<T> const& a, var<T> const& b) { return detail::recorder<T>::binary(op_code::mul, a, b, "mul"); }
//! a / b (elementwise), broadcasting.
template <class T> var<T> div(var<T> const& a, var<T> const& b) { return detail::recorder<T>::binary(op_code::div, a, b, "div"); }
//! Elementwise max(a, b), broadcasting; at ties the gradient goes to a.
template <class T> var<T> max(var<T> const& a, var<T> const& b) { return detail::recorder<T>::binary(op_code::max, a, b, "max"); }
//! Elementwise min(a, b), broadcasting; at ties the gradient goes to a.
template <class T> var<T> min(var<T> const& a, var<T> const& b) { return detail::recorder<T>::binary(op_code::min, a, b, "min"); }

template <class T> var<T> operator+(var<T> const& a, var<T> const& b) { return add(a, b); }
template <class T> var<T> operator-(var<T> const& a, var<T> const& b) { return sub(a, b); }
template <class T> var<T> operator*(var<T> const& a, var<T> const& b) { return mul(a, b); }
template <class T> var<T> operator/(var<T> const& a, var<T> const& b) { return div(a, b); }

// Plain numbers: one affine node (s0 x + s1) or one reciprocal node (s0 / x), no scalar leaf.
//! -x
template <class T> var<T> neg(var<T> const& x) { return detail::recorder<T>::unary(op_code::affine, x, T(-1), T(0), "neg"); }
template <class T> var<T> operator-(var<T> const& x) { return neg(x); }
template <class T, number S> var<T> operator+(var<T> const& x, S s) { return detail::recorder<T>::unary(op_code::affine, x, T(1), detail::as<T>(s), "add"); }
template <class T, number S> var<T> operator+(S s, var<T> const& x) { return x + s; }
template <class T, number S> var<T> operator-(var<T> const& x, S s) { return detail::recorder<T>::unary(op_code::affine, x, T(1), -detail::as<T>(s), "sub"); }
template <class T, number S> var<T> operator-(S s, var<T> const& x) { return detail::recorder<T>::unary(op_code::affine, x, T(-1), detail::as<T>(s), "sub"); }
template <class T, number S> var<T> operator*(var<T> const& x, S s) { return detail::recorder<T>::unary(op_code::affine, x, detail::as<T>(s), T(0), "mul"); }
template <class T, number S> var<T> operator*(S s, var<T> const& x) { return x * s; }
// x / s is recorded as x · (1/s), one affine node: it may differ from a true division by an ulp.
template <class T, number S> var<T> operator/(var<T> const& x, S s) { return detail::recorder<T>::unary(op_code::affine, x, T(1) / detail::as<T>(s), T(0), "div"); }
template <class T, number S> var<T> operator/(S s, var<T> const& x) { return detail::recorder<T>::unary(op_code::rdiv, x, detail::as<T>(s), T(0), "div"); }

// ---------------------------------------------------------------------------------------------
// Elementwise unary ops.

//! max(x, 0)
template <class T> var<T> relu(var<T> const& x) { return detail::recorder<T>::unary(op_code::relu, x, T(0), T(0), "relu"); }
//! x > 0 ? x : slope · x
template <class T, number S> var<T> leaky_relu(var<T> const& x, S slope) { return detail::recorder<T>::unary(op_code::leaky_relu, x, detail::as<T>(slope), T(0), "leaky_relu"); }
//! x²
template <class T> var<T> square(var<T> const& x) { return detail::recorder<T>::unary(op_code::square, x, T(0), T(0), "square"); }
//! eˣ
template <class T> var<T> exp(var<T> const& x) { return detail::recorder<T>::unary(op_code::exp, x, T(0), T(0), "exp"); }
//! log x
template <class T> var<T> log(var<T> const& x) { return detail::recorder<T>::unary(op_code::log, x, T(0), T(0), "log"); }
//! √x
template <class T> var<T> sqrt(var<T> const& x) { return detail::recorder<T>::unary(op_code::sqrt, x, T(0), T(0), "sqrt"); }
//! |x|; gradient sign(x), 0 at 0.
template <class T> var<T> abs(var<T> const& x) { return detail::recorder<T>::unary(op_code::abs, x, T(0), T(0), "abs"); }
//! tanh x
template <class T> var<T> tanh(var<T> const& x) { return detail::recorder<T>::unary(op_code::tanh, x, T(0), T(0), "tanh"); }
//! 1 / (1 + e⁻ˣ), stable for any |x|.
template <class T> var<T> sigmoid(var<T> const& x) { return detail::recorder<T>::unary(op_code::sigmoid, x, T(0), T(0), "sigmoid"); }
//! log(1 + eˣ) as max(x, 0) + log1p(e^-|x|): stable for any |x|.
template <class T> var<T> softplus(var<T> const& x) { return detail::recorder<T>::unary(op_code::softplus, x, T(0), T(0), "softplus"); }
//! GELU, tanh approximation: x/2 · (1 + tanh(√(2/π)(x + 0.044715 x³))) (PyTorch's approximate='tanh').
template <class T> var<T> gelu(var<T> const& x) { return detail::recorder<T>::unary(op_code::gelu, x, T(0), T(0), "gelu"); }
//! log(1 + x), accurate for x near 0.
template <class T> var<T> log1p(var<T> const& x) { return detail::recorder<T>::unary(op_code::log1p, x, T(0), T(0), "log1p"); }
//! xᵖ for a constant p.
template <class T, number S> var<T> pow(var<T> const& x, S p) { return detail::recorder<T>::unary(op_code::pow, x, detail::as<T>(p), T(0), "pow"); }
//! min(max(x, lo), hi); gradient 1 inside [lo, hi], 0 outside.
template <class T, number L, number H> var<T> clamp(var<T> const& x, L lo, H hi) {
    if (!(detail::as<T>(lo) <= detail::as<T>(hi))) throw error("tapeless: tape: clamp: lo > hi");
    return detail::recorder<T>::unary(op_code::clamp, x, detail::as<T>(lo), detail::as<T>(hi), "clamp");
}

// ---------------------------------------------------------------------------------------------
// Products and layout.

//! a·b through tapeless::gemm. A `transpose(v)` operand is passed as a GEMM flag, never copied.
template <class T> var<T> matmul(var<T> const& a, var<T> const& b) { return detail::recorder<T>::matmul(a, b, nullptr, "matmul"); }
//! x·w + b (a dense layer), one node: b (1 x n, m x 1, 1 x 1 or m x n) is written into the output
//! and the GEMM accumulates onto it, so there is no separate broadcast pass.
template <class T> var<T> lin(var<T> const& x, var<T> const& w, var<T> const& b) { return detail::recorder<T>::matmul(x, w, &b, "lin"); }
//! xᵀ. Recorded without copying: matmul reads it as a flag, and its value is made only when
//! another op (or `value()`) reads it. transpose(transpose(x)) is x.
template <class T> var<T> transpose(var<T> const& x) { return detail::recorder<T>::transpose(x); }

// ---------------------------------------------------------------------------------------------
// Reductions.

//! Σ of all elements, 1 x 1.
template <class T> var<T> sum(var<T> const& x) { return detail::recorder<T>::reduce(op_code::sum_all, x, false, "sum"); }
//! Mean of all elements, 1 x 1.
template <class T> var<T> mean(var<T> const& x) { return detail::recorder<T>::reduce(op_code::sum_all, x, true, "mean"); }
//! Sum along each row: m x n -> m x 1.
template <class T> var<T> sum_rows(var<T> const& x) { return detail::recorder<T>::reduce(op_code::sum_rows, x, false, "sum_rows"); }
//! Sum along each column: m x n -> 1 x n.
template <class T> var<T> sum_cols(var<T> const& x) { return detail::recorder<T>::reduce(op_code::sum_cols, x, false, "sum_cols"); }
//! Mean along each row: m x n -> m x 1.
template <class T> var<T> mean_rows(var<T> const& x) { return detail::recorder<T>::reduce(op_code::sum_rows, x, true, "mean_rows"); }
//! Mean along each column: m x n -> 1 x n.
template <class T> var<T> mean_cols(var<T> const& x) { return detail::recorder<T>::reduce(op_code::sum_cols, x, true, "mean_cols"); }

// ---------------------------------------------------------------------------------------------
// Losses and normalisations: one fused node each (value and adjoint in one pass, stable forms).

//! mean((pred - target)²) over all elements; same shapes.
template <class T> var<T> mse(var<T> const& pred, var<T> const& target) { return detail::recorder<T>::loss2(op_code::mse, pred, target, "mse"); }
//! Σ w², a weight penalty.
template <class T> var<T> l2(var<T> const& w) { return detail::recorder<T>::l2(w); }
//! Row-wise x_ij - log Σ_k exp(x_ik), computed with the row max subtracted.
template <class T> var<T> log_softmax(var<T> const& x) { return detail::recorder<T>::softmax(op_code::log_softmax, x, "log_softmax"); }
//! Row-wise exp(x_ij) / Σ_k exp(x_ik), computed with the row max subtracted.
template <class T> var<T> softmax(var<T> const& x) { return detail::recorder<T>::softmax(op_code::softmax, x, "softmax"); }
//! PyTorch's `F.layer_norm` over the last dimension: each row of x normalised to mean 0 and
//! variance 1 (biased, plus eps), times the gain g and plus the bias b (1 x n each, broadcast).
template <class T, number S = double>
var<T> layer_norm(var<T> const& x, var<T> const& g, var<T> const& b, S eps = 1e-5) {
    return detail::recorder<T>::layer_norm(x, detail::as<T>(eps)) * g + b;
}
//! Scaled dot-product attention (see `tapeless::attention`): q, k, v of one shape, rows in
//! sequences of `seq`, columns in `heads` heads, a causal mask when `causal`.
template <class T>
var<T> attention(var<T> const& q, var<T> const& k, var<T> const& v, std::size_t seq, std::size_t heads, bool causal) {
    return detail::recorder<T>::attention(q, k, v, seq, heads, causal);
}
//! x with each element zeroed with probability p and the rest scaled by 1/(1-p), the mask drawn as
//! `tapeless::dropout`'s for seed `seed`, step number `step` and site `site`.
template <class T, number P>
var<T> dropout(var<T> const& x, P p, std::uint64_t seed, std::uint64_t step, std::size_t site = 0) {
    return detail::recorder<T>::dropout(x, detail::as<T>(p), {seed, step, 0}, site);
}
//! Row ids[i] of `table` as row i (PyTorch's `F.embedding`); ids are whole numbers in 0..rows-1,
//! given as ints or as the elements of a tensor (copied).
template <class T> var<T> embedding(var<T> const& table, std::span<int const> ids) {
    return detail::recorder<T>::embedding(table, ids.size(), [&](std::size_t i) { return ids[i]; });
}
//! As above, with the ids as the elements of a tensor (N x 1 or 1 x N).
template <class T> var<T> embedding(var<T> const& table, std::type_identity_t<TensorView<T const>> ids) {
    return detail::recorder<T>::embedding(table, ids.size(), [&](std::size_t i) { return ids.data()[i]; });
}
//! mean over rows i of -log_softmax(logits)_{i, labels[i]}; one class index per row (copied).
template <class T> var<T> cross_entropy(var<T> const& logits, std::span<int const> labels) {
    return detail::recorder<T>::cross_entropy_labels(logits, labels.size(), [&](std::size_t i) { return labels[i]; });
}
//! As above, with the class indices as the elements of a tensor (N x 1 or 1 x N) of whole numbers.
template <class T> var<T> cross_entropy(var<T> const& logits, std::type_identity_t<TensorView<T const>> labels) {
    return detail::recorder<T>::cross_entropy_labels(logits, labels.size(), [&](std::size_t i) { return labels.data()[i]; });
}
//! mean over rows i of -Σ_j targets_ij log_softmax(logits)_ij: one-hot or probability targets (a var,
//! so targets may themselves carry a gradient); same shapes.
template <class T> var<T> cross_entropy(var<T> const& logits, var<T> const& targets) {
    return detail::recorder<T>::loss2(op_code::cross_entropy_probs, logits, targets, "cross_entropy");
}
//! mean of max(x, 0) - x t + log1p(e^-|x|): binary cross-entropy of sigmoid(x) against t, stable
//! for any |x|; same shapes.
template <class T> var<T> binary_cross_entropy_with_logits(var<T> const& logits, var<T> const& targets) {
    return detail::recorder<T>::loss2(op_code::bce_logits, logits, targets, "binary_cross_entropy_with_logits");
}

} // namespace tapeless::tape

#endif
