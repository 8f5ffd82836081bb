//! @file Defines the op tags `tapeless::op::attention<O>` and `op::attention_back<O, Part>`:
//! scaled dot-product attention per sequence and head, and its adjoints for q, k and v.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPS_ATTENTION_HPP
#define TAPELESS_OPS_ATTENTION_HPP

#include "../config.hpp"
#include "custom.hpp"
#include "traits.hpp"

#include <cmath>
#include <cstddef>
#include <limits>

namespace tapeless {

//! How `attention` reads its rows and columns: rows come in sequences of `seq` consecutive rows,
//! columns in `heads` heads of equal width; `causal` hides later rows of a sequence from earlier
//! ones (PyTorch's `is_causal=True`).
struct attention_options {
    std::size_t seq = 1;
    std::size_t heads = 1;
    bool causal = false;
};

namespace detail {
// Shapes q, k, v (and ȳ) equal, rows a whole number of sequences, columns of whole heads.
template <attention_options O>
constexpr char const* attention_check(shape const* s, std::size_t n) {
    for (std::size_t k = 1; k < n; ++k)
        if (s[k].rows != s[0].rows || s[k].cols != s[0].cols) return "q, k and v must have the same shape";
    if (O.seq == 0 || s[0].rows % O.seq != 0) return "rows must be whole sequences (a multiple of .seq)";
    if (O.heads == 0 || s[0].cols % O.heads != 0) return "columns must split into .heads heads of equal width";
    return nullptr;
}

// The scores of query row t of head at column c0 (width dh) against the keys of its sequence
// (rows k0 ..), written to s[0, n), and their softmax: s[j] = P_tj. n = t + 1 when causal.
template <class T>
TAPELESS_ALWAYS_INLINE std::size_t attention_row(T const* q, T const* k, std::size_t d, std::size_t dh, std::size_t n,
                                                 T scale, T* s) {
    T m = -std::numeric_limits<T>::infinity();
    for (std::size_t j = 0; j < n; ++j) {
        T const* kj = k + j * d;
        T dot = T(0);
        for (std::size_t c = 0; c < dh; ++c) dot += q[c] * kj[c];
        s[j] = dot * scale;
        m = s[j] > m ? s[j] : m;
    }
    T sum = T(0);
    for (std::size_t j = 0; j < n; ++j) {
        s[j] = std::exp(s[j] - m);
        sum += s[j];
    }
    T const inv = T(1) / sum;
    for (std::size_t j = 0; j < n; ++j) s[j] *= inv;
    return n;
}
} // namespace detail

namespace op {

//! y = softmax(q·kᵀ/√dh + mask)·v per sequence and head: `tl::attention`. Args (q, k, v). A query
//! row's probabilities live in the block's scratch (one row of `seq`), never a seq x seq matrix.
template <attention_options O>
struct attention : op_base {
    static constexpr char const* name = "attention";
    static constexpr op_kind kind = op_kind::custom;
    static constexpr shape_rule shape = shape_rule::same;
    static constexpr int cost = 64;
    static constexpr auto check = tapeless::detail::attention_check<O>;
    template <class T>
    static std::size_t work(custom_view<T> const&) { return O.seq; }

    template <class T>
    static void run(custom_view<T> const& v, std::size_t first, std::size_t last) {
        std::size_t const d = v.ys.cols, dh = d / O.heads;
        T const scale = T(1) / std::sqrt(static_cast<T>(dh));
        for (std::size_t r = first; r < last; ++r) {
            std::size_t const t = r % O.seq, k0 = r - t, n = O.causal ? t + 1 : O.seq;
            for (std::size_t h = 0; h < O.heads; ++h) {
                std::size_t const c0 = h * dh;
                tapeless::detail::attention_row(v.x[0] + r * d + c0, v.x[1] + k0 * d + c0, d, dh, n, scale, v.work);
                T* TAPELESS_RESTRICT y = v.y + r * d + c0;
                for (std::size_t c = 0; c < dh; ++c) y[c] = T(0);
                for (std::size_t j = 0; j < n; ++j) {
                    T const* TAPELESS_RESTRICT vj = v.x[2] + (k0 + j) * d + c0;
                    T const p = v.work[j];
                    for (std::size_t c = 0; c < dh; ++c) y[c] += p * vj[c];
                }
            }
        }
    }
};

//! The adjoint of `attention<O>` for its argument `Part` (0: q, 1: k, 2: v) from (q, k, v, ȳ). Each
//! query row's probabilities P and dS = P ⊙ (ȳ·vᵀ - Σ P ⊙ ȳ·vᵀ) are recomputed (scratch: two rows
//! of `seq`), so nothing of size seq x seq is kept between the passes:
//!   q̄_t = Σ_j dS_tj k_j / √dh,  k̄_j = Σ_t dS_tj q_t / √dh,  v̄_j = Σ_t P_tj ȳ_t.
//! k̄ and v̄ sum over a sequence's query rows in order: a block holds whole sequences.
template <attention_options O, std::size_t Part>
struct attention_back : op_base {
    static constexpr char const* name = Part == 0 ? "attention_back_q" : Part == 1 ? "attention_back_k" : "attention_back_v";
    static constexpr op_kind kind = op_kind::custom;
    static constexpr shape_rule shape = shape_rule::same;
    static constexpr int cost = 128;
    static constexpr auto check = tapeless::detail::attention_check<O>;
    template <class T>
    static std::size_t work(custom_view<T> const&) { return 2 * O.seq; }
    template <class T>
    static std::size_t row_group(custom_view<T> const&) { return Part == 0 ? 1 : O.seq; }

    template <class T>
    static void run(custom_view<T> const& v, std::size_t first, std::size_t last) {
        std::size_t const d = v.ys.cols, dh = d / O.heads;
        T const scale = T(1) / std::sqrt(static_cast<T>(dh));
        T const *q = v.x[0], *k = v.x[1], *val = v.x[2], *gy = v.x[3];
        T* p = v.work;
        T* ds = v.work + O.seq;
        if constexpr (Part != 0)
            for (std::size_t e = first * d; e < last * d; ++e) v.y[e] = T(0);
        // Part 0: each row alone; else whole sequences, query rows in order.
        for (std::size_t r = first; r < last; ++r) {
            std::size_t const t = r % O.seq, k0 = r - t, n = O.causal ? t + 1 : O.seq;
            for (std::size_t h = 0; h < O.heads; ++h) {
                std::size_t const c0 = h * dh;
                tapeless::detail::attention_row(q + r * d + c0, k + k0 * d + c0, d, dh, n, scale, p);
                T const* TAPELESS_RESTRICT g = gy + r * d + c0;
                if constexpr (Part == 2) {
                    for (std::size_t j = 0; j < n; ++j) {
                        T* TAPELESS_RESTRICT out = v.y + (k0 + j) * d + c0;
                        for (std::size_t c = 0; c < dh; ++c) out[c] += p[j] * g[c];
                    }
                    continue;
                }
                T dsum = T(0);
                for (std::size_t j = 0; j < n; ++j) {
                    T const* vj = val + (k0 + j) * d + c0;
                    T dot = T(0);
                    for (std::size_t c = 0; c < dh; ++c) dot += g[c] * vj[c];
                    ds[j] = dot;
                    dsum += p[j] * dot;
                }
                for (std::size_t j = 0; j < n; ++j) ds[j] = p[j] * (ds[j] - dsum) * scale;
                if constexpr (Part == 0) {
                    T* TAPELESS_RESTRICT out = v.y + r * d + c0;
                    for (std::size_t c = 0; c < dh; ++c) out[c] = T(0);
                    for (std::size_t j = 0; j < n; ++j) {
                        T const* TAPELESS_RESTRICT kj = k + (k0 + j) * d + c0;
                        for (std::size_t c = 0; c < dh; ++c) out[c] += ds[j] * kj[c];
                    }
                } else {
                    T const* TAPELESS_RESTRICT qt = q + r * d + c0;
                    for (std::size_t j = 0; j < n; ++j) {
                        T* TAPELESS_RESTRICT out = v.y + (k0 + j) * d + c0;
                        for (std::size_t c = 0; c < dh; ++c) out[c] += ds[j] * qt[c];
                    }
                }
            }
        }
    }
};

} // namespace op
} // namespace tapeless

#endif
