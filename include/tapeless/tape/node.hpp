//! @file Defines the tape's record of one operation: `tapeless::tape::op_code` and `tapeless::tape::node`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TAPE_NODE_HPP
#define TAPELESS_TAPE_NODE_HPP

#include <cstddef>
#include <cstdint>

namespace tapeless::tape {

//! What a node computed. The backward sweep switches on it: a closed set, so one jump table,
//! no virtual calls, and nodes stay plain data in one contiguous vector.
enum class op_code : std::uint8_t {
    leaf,
    // unary elementwise: y = f(x; s0, s1)
    affine, // s0 * x + s1 (neg, x + c, c - x, c * x, x / c)
    rdiv,   // s0 / x
    relu,
    leaky_relu, // slope s0
    square,
    exp,
    log,
    sqrt,
    abs,
    tanh,
    sigmoid,
    softplus,
    gelu, // tanh approximation
    log1p,
    pow,   // x^s0
    clamp, // to [s0, s1]
    // binary elementwise, broadcasting row vectors, column vectors and scalars
    add,
    sub,
    mul,
    div,
    max,
    min,
    // products and layout
    matmul,    // in[0]·in[1] (+ in[2] if a bias), transposes folded into ta/tb
    transpose, // value made only when something other than matmul reads it
    // reductions, scaled by s0 (1, or 1/count for means)
    sum_all,
    sum_rows, // m x n -> m x 1
    sum_cols, // m x n -> 1 x n
    // fused losses and row-wise normalisations
    mse,
    l2,
    log_softmax,
    softmax,
    layer_norm,           // (x - mean_row) / √(var_row + s0); aux: 1/√(var_row + s0) per row
    embedding,            // row labels[i] of in[0] as row i
    dropout,              // in[0] ⊙ aux: aux each element's factor, 0 or 1/(1 - p)
    attention,            // softmax(q·kᵀ/√dh + mask)·v of in[0..2]; sequences of s0 rows, s1 heads; aux: P
    cross_entropy_labels, // aux: row max, then row log Σ exp(x - max); labels: class indices
    cross_entropy_probs,  // aux: as above
    bce_logits,
};

//! Sentinel for an absent input.
inline constexpr std::uint32_t no_input = ~std::uint32_t{0};

//! One recorded operation: an op code, up to three input indices, two scalars and the buffers of
//! its value and adjoint (both in the tape's arena, or the value in the user's tensor for leaves).
template <class T>
struct node {
    T const* value = nullptr;    //!< rows x cols; null only for a transpose nobody read yet
    T* adjoint = nullptr;        //!< allocated on the first contribution in a backward sweep
    T* aux = nullptr;            //!< per-op data kept for backward (row log-sum-exp parts)
    int const* labels = nullptr; //!< cross_entropy_labels: class of each row; embedding: table row (copies in the arena)
    std::size_t rows = 0, cols = 0;
    std::uint32_t in[3] = {no_input, no_input, no_input};
    T s0 = 0, s1 = 0;
    op_code op = op_code::leaf;
    bool needs_grad = false; //!< some param is upstream: adjoints flow only through these
    bool has_grad = false;   //!< adjoint written in the current sweep (first write stores, later ones add)
    bool is_param = false;
    bool ta = false, tb = false; //!< matmul: in[0] / in[1] read transposed; attention: ta = causal

    [[nodiscard]] std::size_t size() const { return rows * cols; }
};

} // namespace tapeless::tape

#endif
