//! @file Defines `tapeless::tape::tape`, the runtime reverse-mode recorder, and its handle `tapeless::tape::var`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TAPE_TAPE_HPP
#define TAPELESS_TAPE_TAPE_HPP

#include "../error.hpp"
#include "../linalg/gemm.hpp"
#include "../tensor/tensor.hpp"
#include "arena.hpp"
#include "kernels.hpp"
#include "node.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tapeless::tape {

template <class T>
class tape;

namespace detail {
template <class T>
struct recorder;
}

//! A handle to one recorded value: the tape it lives on and its index there. Cheap to copy;
//! valid until the tape's next `clear()` (using it afterwards throws `tapeless::error`).
template <class T>
class var {
public:
    using value_type = T;

    var() = default;

    //! The value, computed when the op was recorded. Valid until the tape's next `clear()`.
    [[nodiscard]] TensorView<T const> value() const;
    //! The value of a 1 x 1 var.
    [[nodiscard]] T item() const;
    [[nodiscard]] std::size_t rows() const;
    [[nodiscard]] std::size_t cols() const;
    [[nodiscard]] tapeless::shape shape() const { return {rows(), cols()}; }
    [[nodiscard]] tape<T>& owner() const { return *t_; }
    [[nodiscard]] std::uint32_t index() const { return id_; }

private:
    friend class tape<T>;
    friend struct detail::recorder<T>;
    var(tape<T>* t, std::uint32_t id, std::uint32_t generation) : t_(t), id_(id), generation_(generation) {}

    tape<T>* t_ = nullptr;
    std::uint32_t id_ = 0;
    std::uint32_t generation_ = 0;
};

//! A Wengert list recorded as ops execute (eager, like PyTorch's autograd), for models whose shape
//! is known only at run time:
//!
//!     tl::tape::tape<float> t;
//!     auto x = t.input(xt);  auto w = t.param(wt);  auto b = t.param(bt);
//!     auto loss = tl::tape::mse(tl::tape::lin(x, w, b), t.input(yt));   // values computed here
//!     t.backward(loss);                                                   // reverse sweep
//!     sgd(wt, t.grad(w));  ...;  t.clear();                               // next step
//!
//! Leaves are views of the caller's tensors (no copy: keep them alive and unchanged until
//! `clear()`). Every other value and adjoint lives in an arena the tape owns and recycles across
//! `clear()`, so a step of fixed shape allocates nothing from the second step on. A node is plain
//! data (op code, inputs, scalars, buffers); the backward sweep is one loop in reverse over the
//! nodes with a switch on the op code, which costs one jump per node and keeps the list one
//! contiguous vector (virtual ops or std::function would need one heap object per node). Adjoints
//! exist only for nodes that have a param upstream, and are allocated on their first contribution.
//! Not thread-safe; non-copyable and non-movable (vars point at it).
template <class T>
class tape {
    static_assert(element<T>, "tapeless::tape::tape<T>: T must be float or double");

public:
    using value_type = T;

    tape() { nodes_.reserve(64); }
    tape(tape const&) = delete;
    tape& operator=(tape const&) = delete;

    //! A leaf that needs no gradient (data, targets): a view of `x`, not a copy.
    var<T> input(TensorView<T const> x) { return leaf(x, false); }
    //! A leaf whose gradient `backward` computes: a view of `w`, not a copy.
    var<T> param(TensorView<T const> w) { return leaf(w, true); }
    // A leaf views the caller's tensor: a temporary would dangle.
    template <std::size_t R, std::size_t C>
    var<T> input(Tensor<T, R, C>&&) = delete;
    template <std::size_t R, std::size_t C>
    var<T> param(Tensor<T, R, C>&&) = delete;

    //! Reverse sweep from a 1 x 1 `loss`, seeded with 1: afterwards `grad(p)` is dL/dp for every
    //! param p (zero for params the loss does not depend on). Each call recomputes the gradients
    //! from scratch (they do not accumulate across calls).
    void backward(var<T> const& loss) {
        check(loss, "backward");
        if (nodes_[loss.id_].size() != 1)
            throw shape_error("tapeless: tape: backward: the loss is " + to_string(loss.shape()) +
                              ", not 1x1 (pass a seed for other shapes)");
        T const one = T(1);
        sweep(loss.id_, &one);
    }
    //! Reverse sweep from any `out`, seeded with `seed` (same shape): a vector-Jacobian product.
    void backward(var<T> const& out, TensorView<T const> seed) {
        check(out, "backward");
        if (seed.shape() != out.shape())
            throw shape_error("tapeless: tape: backward: seed is " + to_string(seed.shape()) + ", output is " +
                              to_string(out.shape()));
        sweep(out.id_, seed.data());
    }

    //! The adjoint of `v` from the last `backward`: dL/dv, same shape as v. Defined for params, and
    //! for any var the last sweep reached; throws `tapeless::error` otherwise.
    [[nodiscard]] TensorView<T const> grad(var<T> const& v) const {
        check(v, "grad");
        node<T> const& n = nodes_[v.id_];
        if (!n.has_grad)
            throw error(n.needs_grad || n.is_param
                            ? "tapeless: tape: grad: call backward first, from a loss that depends on this var"
                            : "tapeless: tape: grad: an input or a var without a param upstream has no gradient");
        return {n.adjoint, n.rows, n.cols};
    }

    //! Forgets every node (all vars become invalid) and keeps the storage for the next step.
    void clear() {
        nodes_.clear();
        params_.clear();
        arena_.reset();
        ++generation_;
    }

    //! Room for `nodes` nodes and `bytes` of values and adjoints, so even the first step need not grow.
    void reserve(std::size_t nodes, std::size_t bytes) {
        nodes_.reserve(nodes);
        arena_.reserve(bytes);
    }

    //! Nodes recorded since the last `clear()`.
    [[nodiscard]] std::size_t size() const { return nodes_.size(); }
    //! Bytes of value and adjoint storage the tape holds, and how many the current step uses.
    [[nodiscard]] std::size_t capacity_bytes() const { return arena_.capacity(); }
    [[nodiscard]] std::size_t used_bytes() const { return arena_.used(); }
    //! The record behind `v` (op code, inputs, buffers), for inspection.
    [[nodiscard]] node<T> const& node_of(var<T> const& v) const {
        check(v, "node_of");
        return nodes_[v.id_];
    }

private:
    friend class var<T>;
    friend struct detail::recorder<T>;

    var<T> leaf(TensorView<T const> x, bool is_param) {
        node<T> n;
        n.value = x.data();
        n.rows = x.rows();
        n.cols = x.cols();
        n.needs_grad = n.is_param = is_param;
        var<T> v = push(n);
        if (is_param) params_.push_back(v.id_);
        return v;
    }

    var<T> push(node<T> const& n) {
        if (nodes_.size() >= no_input) throw error("tapeless: tape: too many nodes");
        nodes_.push_back(n);
        return var<T>(this, static_cast<std::uint32_t>(nodes_.size() - 1), generation_);
    }

    void check(var<T> const& v, char const* what) const {
        if (v.t_ != this || v.generation_ != generation_ || v.id_ >= nodes_.size())
            throw error(std::string("tapeless: tape: ") + what +
                        ": var of another tape, or recorded before the last clear()");
    }

    // A transpose node's value is made on first read: matmul folds transposes into GEMM flags and
    // never reads it, so `matmul(transpose(a), b)` copies nothing.
    T const* value_of(std::uint32_t id) {
        node<T>& n = nodes_[id];
        if (!n.value) {
            node<T> const& src = nodes_[n.in[0]];
            T* y = arena_.template allocate<T>(n.size());
            detail::transpose_into<false>(src.rows, src.cols, src.value, y);
            n.value = y;
        }
        return n.value;
    }

    T* adjoint_of(node<T>& n) {
        if (!n.adjoint) n.adjoint = arena_.template allocate<T>(n.size());
        return n.adjoint;
    }

    // Writes f(i, j) into the adjoint of node `id` (r x c), storing on the first contribution and
    // adding on later ones.
    template <class F>
    void emit(std::uint32_t id, std::size_t r, std::size_t c, F f) {
        node<T>& x = nodes_[id];
        T* TAPELESS_RESTRICT d = adjoint_of(x);
        if (x.has_grad) {
            for (std::size_t i = 0; i < r; ++i)
                for (std::size_t j = 0; j < c; ++j) d[i * c + j] += f(i, j);
        } else {
            for (std::size_t i = 0; i < r; ++i)
                for (std::size_t j = 0; j < c; ++j) d[i * c + j] = f(i, j);
        }
        x.has_grad = true;
    }

    void sweep(std::uint32_t top, T const* seed) {
        for (auto& n : nodes_) n.has_grad = false;
        node<T>& out = nodes_[top];
        if (out.needs_grad) {
            std::copy_n(seed, out.size(), adjoint_of(out));
            out.has_grad = true;
            // Only nodes at or before `top` can feed it; nodes nothing flowed into are skipped.
            for (std::uint32_t id = top + 1; id-- > 0;)
                if (nodes_[id].has_grad && nodes_[id].op != op_code::leaf) backward_node(nodes_[id]);
        }
        for (std::uint32_t id : params_) {
            node<T>& p = nodes_[id];
            if (!p.has_grad) {
                std::fill_n(adjoint_of(p), p.size(), T(0));
                p.has_grad = true;
            }
        }
    }

    void backward_node(node<T>& n);
    void backward_matmul(node<T>& n);
    void backward_fused(node<T>& n);

    std::vector<node<T>> nodes_;
    std::vector<std::uint32_t> params_;
    arena arena_;
    std::uint32_t generation_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The reverse sweep: one case per op code. Contributions go only to inputs with `needs_grad`.

template <class T>
void tape<T>::backward_node(node<T>& n) {
    bool const unary = detail::visit_unary(n.op, [&]<class U>() {
        node<T>& x = nodes_[n.in[0]];
        detail::unary_backward<U>(n.size(), x.value, n.value, n.adjoint, adjoint_of(x), n.s0, n.s1, x.has_grad);
        x.has_grad = true;
    });
    if (unary) return;
    bool const binary = detail::visit_binary(n.op, [&]<class B>() {
        node<T>& a = nodes_[n.in[0]];
        node<T>& b = nodes_[n.in[1]];
        auto e = detail::broadcast_extents(n.rows, n.cols, a.rows, a.cols, b.rows, b.cols);
        auto oa = detail::make_operand(a.value, a.rows, a.cols, e);
        auto ob = detail::make_operand(b.value, b.rows, b.cols, e);
        if (a.needs_grad)
            detail::binary_backward<B, 0>(e, oa, ob, n.value, n.adjoint, adjoint_of(a), a.size(), a.has_grad);
        if (b.needs_grad)
            detail::binary_backward<B, 1>(e, oa, ob, n.value, n.adjoint, adjoint_of(b), b.size(), b.has_grad);
    });
    if (binary) return;
    switch (n.op) {
    case op_code::matmul: backward_matmul(n); break;
    case op_code::transpose: { // y = xᵀ  =>  x̄ += ȳᵀ
        node<T>& x = nodes_[n.in[0]];
        if (x.has_grad) detail::transpose_into<true>(n.rows, n.cols, n.adjoint, adjoint_of(x));
        else detail::transpose_into<false>(n.rows, n.cols, n.adjoint, adjoint_of(x));
        x.has_grad = true;
        break;
    }
    case op_code::sum_all: // y = s Σ x  =>  x̄_ij += s ȳ  (rows/cols: s ȳ_i, s ȳ_j)
    case op_code::sum_rows:
    case op_code::sum_cols: {
        node<T>& x = nodes_[n.in[0]];
        T* d = adjoint_of(x);
        if (n.op == op_code::sum_all) detail::spread<true, true>(x.rows, x.cols, n.adjoint, d, n.s0, x.has_grad);
        else if (n.op == op_code::sum_rows)
            detail::spread<false, true>(x.rows, x.cols, n.adjoint, d, n.s0, x.has_grad);
        else detail::spread<true, false>(x.rows, x.cols, n.adjoint, d, n.s0, x.has_grad);
        x.has_grad = true;
        break;
    }
    default: backward_fused(n); break;
    }
}

// C = op(A)·op(B) [+ bias]  =>  op(A)̄ = C̄·op(B)ᵀ,  op(B)̄ = op(A)ᵀ·C̄,  bias̄ = C̄ summed over its
// broadcast extents. A transposed operand's own adjoint is the transpose of that, which is again
// one GEMM with flags: no transpose is ever copied, and the first contribution uses beta = 0.
template <class T>
void tape<T>::backward_matmul(node<T>& n) {
    node<T>& A = nodes_[n.in[0]];
    node<T>& B = nodes_[n.in[1]];
    std::size_t const m = n.rows, nn = n.cols, k = n.ta ? A.rows : A.cols;
    T const* g = n.adjoint;
    if (A.needs_grad) {
        T* d = adjoint_of(A);
        T const beta = A.has_grad ? T(1) : T(0);
        if (!n.ta) gemm<T>(false, !n.tb, m, k, nn, T(1), g, nn, B.value, B.cols, beta, d, k); // Ā = C̄·op(B)ᵀ
        else gemm<T>(n.tb, true, k, m, nn, T(1), B.value, B.cols, g, nn, beta, d, m);          // Ā = op(B)·C̄ᵀ
        A.has_grad = true;
    }
    if (B.needs_grad) {
        T* d = adjoint_of(B);
        T const beta = B.has_grad ? T(1) : T(0);
        if (!n.tb) gemm<T>(!n.ta, false, k, nn, m, T(1), A.value, A.cols, g, nn, beta, d, nn); // B̄ = op(A)ᵀ·C̄
        else gemm<T>(true, n.ta, nn, k, m, T(1), g, nn, A.value, A.cols, beta, d, k);          // B̄ = C̄ᵀ·op(A)
        B.has_grad = true;
    }
    if (n.in[2] != no_input && nodes_[n.in[2]].needs_grad) {
        node<T>& c = nodes_[n.in[2]];
        auto e = detail::broadcast_extents(m, nn, m, nn, c.rows, c.cols);
        auto og = detail::make_operand(g, m, nn, e);
        auto oc = detail::make_operand(c.value, c.rows, c.cols, e);
        detail::binary_backward<detail::b_add, 1>(e, og, oc, g, g, adjoint_of(c), c.size(), c.has_grad);
    }
}

template <class T>
void tape<T>::backward_fused(node<T>& n) {
    T const g0 = n.adjoint[0];
    switch (n.op) {
    case op_code::mse: { // L = (1/n) Σ (p - t)²  =>  p̄ = (2 L̄ / n)(p - t),  t̄ = -p̄
        node<T>& p = nodes_[n.in[0]];
        node<T>& t = nodes_[n.in[1]];
        T const* pv = p.value;
        T const* tv = t.value;
        T const s = T(2) * g0 / static_cast<T>(p.size());
        if (p.needs_grad) emit(n.in[0], 1, p.size(), [&](std::size_t, std::size_t k) { return s * (pv[k] - tv[k]); });
        if (t.needs_grad) emit(n.in[1], 1, t.size(), [&](std::size_t, std::size_t k) { return s * (tv[k] - pv[k]); });
        break;
    }
    case op_code::l2: { // L = Σ w²  =>  w̄ = 2 L̄ w
        node<T>& w = nodes_[n.in[0]];
        T const* wv = w.value;
        T const s = T(2) * g0;
        emit(n.in[0], 1, w.size(), [&](std::size_t, std::size_t k) { return s * wv[k]; });
        break;
    }
    case op_code::log_softmax:   // y_ij = x_ij - lse_i  =>  x̄_ij = ȳ_ij - exp(y_ij) Σ_k ȳ_ik
    case op_code::softmax: {     // y_ij = exp(x_ij - lse_i)  =>  x̄_ij = y_ij (ȳ_ij - Σ_k ȳ_ik y_ik)
        std::size_t const r = n.rows, c = n.cols;
        T const* y = n.value;
        T const* gy = n.adjoint;
        T* row = arena_.template allocate<T>(r);
        bool const log = n.op == op_code::log_softmax;
        for (std::size_t i = 0; i < r; ++i)
            row[i] = log ? detail::reduce_sum<T>(c, [&](std::size_t j) { return gy[i * c + j]; })
                         : detail::reduce_sum<T>(c, [&](std::size_t j) { return gy[i * c + j] * y[i * c + j]; });
        if (log)
            emit(n.in[0], r, c, [&](std::size_t i, std::size_t j) { return gy[i * c + j] - std::exp(y[i * c + j]) * row[i]; });
        else
            emit(n.in[0], r, c, [&](std::size_t i, std::size_t j) { return y[i * c + j] * (gy[i * c + j] - row[i]); });
        break;
    }
    case op_code::layer_norm: { // y = (x - μ)/σ per row  =>  x̄_ij = (ȳ_ij - mean_k ȳ_ik - y_ij mean_k ȳ_ik y_ik)/σ_i
        std::size_t const r = n.rows, c = n.cols;
        T const* y = n.value;
        T const* gy = n.adjoint;
        T const* rstd = n.aux;
        T* sums = arena_.template allocate<T>(2 * r); // per row: mean ȳ, then mean ȳ ⊙ y
        for (std::size_t i = 0; i < r; ++i) {
            sums[i] = detail::reduce_sum<T>(c, [&](std::size_t j) { return gy[i * c + j]; }) / static_cast<T>(c);
            sums[r + i] = detail::reduce_sum<T>(c, [&](std::size_t j) { return gy[i * c + j] * y[i * c + j]; }) /
                          static_cast<T>(c);
        }
        emit(n.in[0], r, c, [&](std::size_t i, std::size_t j) {
            return rstd[i] * (gy[i * c + j] - sums[i] - y[i * c + j] * sums[r + i]);
        });
        break;
    }
    case op_code::attention: { // y = P·v, P = softmax(q·kᵀ/√dh)  =>  v̄ = Pᵀȳ, dS = P ⊙ (ȳvᵀ - rowsum(P ⊙ ȳvᵀ)),
                               //   q̄ = dS·k/√dh, k̄ = dSᵀ·q/√dh  (per sequence and head)
        std::size_t const seq = static_cast<std::size_t>(n.s0), heads = static_cast<std::size_t>(n.s1);
        std::size_t const d = n.cols, dh = d / heads, nseq = n.rows / seq;
        T const scale = T(1) / std::sqrt(static_cast<T>(dh));
        T const *qv = nodes_[n.in[0]].value, *kv = nodes_[n.in[1]].value, *vv = nodes_[n.in[2]].value;
        T* gq = arena_.template allocate<T>(n.size());
        T* gk = arena_.template allocate<T>(n.size());
        T* gv = arena_.template allocate<T>(n.size());
        std::fill_n(gq, n.size(), T(0));
        std::fill_n(gk, n.size(), T(0));
        std::fill_n(gv, n.size(), T(0));
        T* ds = arena_.template allocate<T>(seq);
        for (std::size_t b = 0; b < nseq; ++b)
            for (std::size_t h = 0; h < heads; ++h) {
                T const* pb = n.aux + (b * heads + h) * seq * seq;
                auto at = [&](std::size_t row, std::size_t c) { return (b * seq + row) * d + h * dh + c; };
                for (std::size_t i = 0; i < seq; ++i) {
                    T rowsum = T(0);
                    for (std::size_t j = 0; j < seq; ++j) {
                        T dp = T(0);
                        for (std::size_t c = 0; c < dh; ++c) dp += n.adjoint[at(i, c)] * vv[at(j, c)];
                        ds[j] = dp;
                        rowsum += pb[i * seq + j] * dp;
                    }
                    for (std::size_t j = 0; j < seq; ++j) {
                        T const p = pb[i * seq + j], s = p * (ds[j] - rowsum) * scale;
                        for (std::size_t c = 0; c < dh; ++c) {
                            gv[at(j, c)] += p * n.adjoint[at(i, c)];
                            gq[at(i, c)] += s * kv[at(j, c)];
                            gk[at(j, c)] += s * qv[at(i, c)];
                        }
                    }
                }
            }
        T const* grads[3] = {gq, gk, gv};
        for (int a = 0; a < 3; ++a)
            if (nodes_[n.in[a]].needs_grad) emit(n.in[a], n.rows, d, [&](std::size_t i, std::size_t j) { return grads[a][i * d + j]; });
        break;
    }
    case op_code::dropout: // y = x ⊙ f  =>  x̄ += ȳ ⊙ f
        emit(n.in[0], n.rows, n.cols, [&](std::size_t i, std::size_t j) { return n.adjoint[i * n.cols + j] * n.aux[i * n.cols + j]; });
        break;
    case op_code::embedding: { // y_i = table_{ids_i}  =>  tablē_r += Σ_{i : ids_i = r} ȳ_i
        node<T>& table = nodes_[n.in[0]];
        std::size_t const c = n.cols;
        T* d = adjoint_of(table);
        if (!table.has_grad) std::fill_n(d, table.size(), T(0));
        table.has_grad = true;
        for (std::size_t i = 0; i < n.rows; ++i)
            for (std::size_t j = 0; j < c; ++j) d[static_cast<std::size_t>(n.labels[i]) * c + j] += n.adjoint[i * c + j];
        break;
    }
    // lse_i = m_i + log s_i, kept apart (aux: m, then log s) for accuracy; see detail::row_logsumexp.
    case op_code::cross_entropy_labels: { // L = -(1/N) Σ_i (x_il_i - lse_i)  =>  x̄_ij = (L̄/N)(softmax_ij - [j = l_i])
        node<T>& x = nodes_[n.in[0]];
        std::size_t const r = x.rows, c = x.cols;
        T const* xv = x.value;
        T const* m = n.aux;
        T const* ls = n.aux + r;
        T const s = g0 / static_cast<T>(r);
        emit(n.in[0], r, c, [&](std::size_t i, std::size_t j) { return s * std::exp((xv[i * c + j] - m[i]) - ls[i]); });
        T* d = x.adjoint;
        for (std::size_t i = 0; i < r; ++i) {
            d[i * c + static_cast<std::size_t>(n.labels[i])] -= s;
        }
        break;
    }
    case op_code::cross_entropy_probs: { // L = -(1/N) Σ_ij t_ij (x_ij - lse_i)
        // => x̄_ij = (L̄/N)(softmax_ij Σ_k t_ik - t_ij),  t̄_ij = -(L̄/N)(x_ij - lse_i)
        node<T>& x = nodes_[n.in[0]];
        node<T>& t = nodes_[n.in[1]];
        std::size_t const r = x.rows, c = x.cols;
        T const* xv = x.value;
        T const* tv = t.value;
        T const* m = n.aux;
        T const* ls = n.aux + r;
        T const s = g0 / static_cast<T>(r);
        if (x.needs_grad) {
            T* mass = arena_.template allocate<T>(r);
            for (std::size_t i = 0; i < r; ++i) mass[i] = detail::reduce_sum<T>(c, [&](std::size_t j) { return tv[i * c + j]; });
            emit(n.in[0], r, c, [&](std::size_t i, std::size_t j) {
                return s * (std::exp((xv[i * c + j] - m[i]) - ls[i]) * mass[i] - tv[i * c + j]);
            });
        }
        if (t.needs_grad)
            emit(n.in[1], r, c, [&](std::size_t i, std::size_t j) { return -s * ((xv[i * c + j] - m[i]) - ls[i]); });
        break;
    }
    case op_code::bce_logits: { // L = (1/n) Σ max(x,0) - x t + log1p(e^-|x|)  =>  x̄ = (L̄/n)(σ(x) - t),  t̄ = -(L̄/n) x
        node<T>& x = nodes_[n.in[0]];
        node<T>& t = nodes_[n.in[1]];
        T const* xv = x.value;
        T const* tv = t.value;
        T const s = g0 / static_cast<T>(x.size());
        if (x.needs_grad)
            emit(n.in[0], 1, x.size(), [&](std::size_t, std::size_t k) { return s * (detail::sigmoid(xv[k]) - tv[k]); });
        if (t.needs_grad) emit(n.in[1], 1, t.size(), [&](std::size_t, std::size_t k) { return -s * xv[k]; });
        break;
    }
    default: break;
    }
}

// ---------------------------------------------------------------------------------------------

template <class T>
TensorView<T const> var<T>::value() const {
    if (!t_) throw error("tapeless: tape: value: default-constructed var");
    t_->check(*this, "value");
    node<T> const& n = t_->nodes_[id_];
    return {t_->value_of(id_), n.rows, n.cols};
}
template <class T>
T var<T>::item() const {
    auto v = value();
    if (v.size() != 1) throw shape_error("tapeless: tape: item: var is " + to_string(v.shape()) + ", not 1x1");
    return v.data()[0];
}
template <class T>
std::size_t var<T>::rows() const {
    if (!t_) throw error("tapeless: tape: rows: default-constructed var");
    t_->check(*this, "rows");
    return t_->nodes_[id_].rows;
}
template <class T>
std::size_t var<T>::cols() const {
    if (!t_) throw error("tapeless: tape: cols: default-constructed var");
    t_->check(*this, "cols");
    return t_->nodes_[id_].cols;
}

} // namespace tapeless::tape

#endif
