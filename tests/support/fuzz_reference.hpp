//! @file Defines the fuzz tests' reference: each user-level function of tapeless rewritten from the
//! runtime tape's primitives in double, with shape rules of its own. A rule that refuses throws
//! `rejected` (the library must then throw shape_error); a rule that accepts gives values and,
//! from the tape's reverse sweep, gradients to compare with a compiled step's.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_FUZZ_REFERENCE_HPP
#define TAPELESS_TEST_SUPPORT_FUZZ_REFERENCE_HPP

#include <tapeless/tape/all.hpp>
#include <tapeless/tensor/tensor.hpp>

#include <cmath>
#include <cstddef>
#include <deque>
#include <string>
#include <vector>

namespace tapeless::test::fuzz {

//! The reference's rules refused: the library must throw shape_error (value_error for values).
struct rejected {
    std::string why;
    bool values = false; //!< refused for values (class labels), not shapes: value_error
};

class reference;

//! A value of the reference: a var of a double tape.
struct ref {
    tape::var<double> v;
    reference* r = nullptr;
    [[nodiscard]] tapeless::shape shape() const { return v.shape(); }
};

//! Owns the tape and double copies of the leaves (a tape views its leaves).
class reference {
public:
    template <class X>
    ref param(X const& x) { return {t_.param(copy(x)), this}; }
    template <class X>
    ref input(X const& x) { return {t_.input(copy(x)), this}; }
    ref input(Tensor<double>&& x) { return {t_.input(keep(std::move(x))), this}; }

    //! The reverse sweep from a 1 x 1 `loss`.
    void backward(ref const& loss) { t_.backward(loss.v); }
    [[nodiscard]] TensorView<double const> grad(ref const& p) const { return t_.grad(p.v); }

private:
    template <class X>
    TensorView<double const> copy(X const& x) {
        Tensor<double> d(x.rows(), x.cols());
        for (std::size_t k = 0; k < d.size(); ++k) d.data()[k] = static_cast<double>(x.data()[k]);
        return keep(std::move(d));
    }
    TensorView<double const> keep(Tensor<double>&& d) { return store_.emplace_back(std::move(d)).view(); }

    std::deque<Tensor<double>> store_; // stable addresses
    tape::tape<double> t_;
};

inline std::size_t broadcast_extent(std::size_t a, std::size_t b, char const* op) {
    if (a == b || b == 1) return a;
    if (a == 1) return b;
    throw rejected{std::string(op) + ": extents " + std::to_string(a) + " and " + std::to_string(b)};
}
inline tapeless::shape broadcast(tapeless::shape a, tapeless::shape b, char const* op) {
    return {broadcast_extent(a.rows, b.rows, op), broadcast_extent(a.cols, b.cols, op)};
}

namespace ops {
// An elementwise op whose broadcast result is empty: its operands get no gradient from it. The
// tape's reverse sweep leaves a broadcast operand's adjoint unwritten in that case (a 1 x n bias
// broadcast over 0 rows reads back uninitialised memory), so the result is made a constant.
template <class F>
ref elementwise(ref a, ref b, char const* op, F f) {
    tapeless::shape s = broadcast(a.shape(), b.shape(), op);
    if (s.size() == 0) return a.r->input(Tensor<double>(s.rows, s.cols));
    return {f(a.v, b.v), a.r};
}
inline ref add(ref a, ref b) { return elementwise(a, b, "add", [](auto x, auto y) { return x + y; }); }
inline ref sub(ref a, ref b) { return elementwise(a, b, "sub", [](auto x, auto y) { return x - y; }); }
inline ref mul(ref a, ref b) { return elementwise(a, b, "mul", [](auto x, auto y) { return x * y; }); }
inline ref div(ref a, ref b) { return elementwise(a, b, "div", [](auto x, auto y) { return x / y; }); }
inline ref max(ref a, ref b) { return elementwise(a, b, "max", [](auto x, auto y) { return tape::max(x, y); }); }
inline ref min(ref a, ref b) { return elementwise(a, b, "min", [](auto x, auto y) { return tape::min(x, y); }); }
inline ref scale(ref a, double s) { return {a.v * s, a.r}; }
inline ref neg(ref a) { return {-a.v, a.r}; }

inline ref matmul(ref a, ref b) {
    if (a.shape().cols != b.shape().rows) throw rejected{"matmul: inner extents"};
    return {tape::matmul(a.v, b.v), a.r};
}
inline ref transpose(ref a) { return {tape::transpose(a.v), a.r}; }

inline ref exp(ref a) { return {tape::exp(a.v), a.r}; }
inline ref log(ref a) { return {tape::log(a.v), a.r}; }
inline ref sqrt(ref a) { return {tape::sqrt(a.v), a.r}; }
inline ref relu(ref a) { return {tape::relu(a.v), a.r}; }
inline ref tanh(ref a) { return {tape::tanh(a.v), a.r}; }
inline ref sigmoid(ref a) { return {tape::sigmoid(a.v), a.r}; }
inline ref square(ref a) { return {tape::square(a.v), a.r}; }
inline ref softplus(ref a) { return {tape::softplus(a.v), a.r}; }

inline ref sum(ref a) { return {tape::sum(a.v), a.r}; }
inline ref sum_rows(ref a) { return {tape::sum_rows(a.v), a.r}; }
inline ref sum_cols(ref a) { return {tape::sum_cols(a.v), a.r}; }
// Means as the library defines them: the sum times 1/count (an infinity when the count is 0, so
// the mean of nothing is NaN), not the tape's mean_rows/mean_cols.
inline ref mean(ref a) { return scale(sum(a), 1.0 / static_cast<double>(a.shape().size())); }
inline ref mean_rows(ref a) { return scale(sum_rows(a), 1.0 / static_cast<double>(a.shape().cols)); }
inline ref mean_cols(ref a) { return scale(sum_cols(a), 1.0 / static_cast<double>(a.shape().rows)); }

// Row-wise, without the stabilising maximum (the fuzz values are small); defined for 0 columns
// too, unlike the tape's fused log_softmax.
inline ref log_softmax(ref a) { return sub(a, log(sum_rows(exp(a)))); }
inline ref softmax(ref a) { return exp(log_softmax(a)); }

inline ref lin(ref x, ref w, ref b) { return add(matmul(x, w), b); }
inline ref mse(ref a, ref b) { return mean(square(sub(a, b))); }
inline ref clamp(ref x, ref lo, ref hi) { return min(max(x, lo), hi); }

//! 1 where column j of the broadcast of `like` and `labels` equals the label there, as an input.
template <class L>
ref one_hot(reference& r, L const& labels, ref like) {
    tapeless::shape s = broadcast(like.shape(), {labels.rows(), labels.cols()}, "equal");
    Tensor<double> h(s.rows, s.cols);
    for (std::size_t i = 0; i < s.rows; ++i)
        for (std::size_t j = 0; j < s.cols; ++j) {
            double l = static_cast<double>(labels(labels.rows() == 1 ? 0 : i, labels.cols() == 1 ? 0 : j));
            h(i, j) = l == static_cast<double>(j) ? 1.0 : 0.0;
        }
    return r.input(std::move(h));
}
//! cross_entropy's own rules: one label per row of the logits, each a class index in 0..n-1.
template <class L>
ref cross_entropy(reference& r, ref logits, L const& labels) {
    tapeless::shape const s = logits.shape();
    if (labels.cols() != 1 || labels.rows() != s.rows) throw rejected{"cross_entropy: labels must be rows x 1"};
    for (std::size_t i = 0; i < labels.rows(); ++i) {
        double const l = static_cast<double>(labels(i, 0));
        if (!(l >= 0 && l < static_cast<double>(s.cols) && l == std::floor(l)))
            throw rejected{"cross_entropy: label not a class index", true};
    }
    ref h = one_hot(r, labels, logits);
    return neg(mean_cols(sum_rows(mul(log_softmax(logits), h))));
}
inline ref cross_entropy_with_probs(ref logits, ref targets) {
    return neg(mean_cols(sum_rows(mul(log_softmax(logits), targets))));
}
inline ref binary_cross_entropy_with_logits(ref x, ref t) { return mean(sub(softplus(x), mul(x, t))); }
} // namespace ops

} // namespace tapeless::test::fuzz

#endif
