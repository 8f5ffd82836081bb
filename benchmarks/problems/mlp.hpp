//! @file Defines the seed MLP benchmark problem: its data and its hand-written backpropagation.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_BENCHMARKS_PROBLEMS_MLP_HPP
#define TAPELESS_BENCHMARKS_PROBLEMS_MLP_HPP

#include <tapeless/error.hpp>
#include <tapeless/linalg/gemm.hpp>
#include <tapeless/tensor/tensor.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

namespace tapeless::bench {

//! The seed network's data and parameters: x: N x D, y: N x O, w1: D x H, b1: 1 x H, w2: H x O,
//! b2: 1 x O (the seed itself is D = 784, H = 50, O = 1).
template <class T>
struct mlp_data {
    Tensor<T> x, y, w1, b1, w2, b2;

    mlp_data(std::size_t n, std::size_t d, std::size_t h, std::size_t o)
        : x(n, d), y(n, o), w1(d, h), b1(1, h), w2(h, o), b2(1, o) {}
};

//! Fills `p` reproducibly from `seed`: x ~ U[0, 1) like pixels, y ~ U[0, 10) like the seed's
//! labels, weights ~ U(-a, a) with a = sqrt(6 / fan_in) (He-uniform, so relu units start half on),
//! biases ~ U(-0.1, 0.1) (non-zero, so the bias gradients are not trivially equal). The bits come
//! from std::mt19937_64, whose sequence the standard fixes; the conversion to [0, 1) is written
//! out because std's distributions differ between standard libraries.
template <class T>
void fill_mlp_data(mlp_data<T>& p, std::uint64_t seed = 42) {
    std::mt19937_64 g(seed);
    auto fill = [&](Tensor<T>& t, double lo, double hi) {
        for (std::size_t i = 0; i < t.size(); ++i)
            t.data()[i] = static_cast<T>(lo + (hi - lo) * static_cast<double>(g() >> 11) * 0x1.0p-53);
    };
    double const a1 = std::sqrt(6.0 / static_cast<double>(p.w1.rows()));
    double const a2 = std::sqrt(6.0 / static_cast<double>(p.w2.rows()));
    fill(p.x, 0.0, 1.0);
    fill(p.y, 0.0, 10.0);
    fill(p.w1, -a1, a1);
    fill(p.b1, -0.1, 0.1);
    fill(p.w2, -a2, a2);
    fill(p.b2, -0.1, 0.1);
}

//! The seed's backpropagation written out by hand, as the tutorial derives it: every product
//! through tapeless::gemm (transposes as GEMM flags, never copied), one plain loop per remaining
//! formula, every intermediate in its own preallocated buffer. This is the baseline the library must
//! beat by fusing those loops; it is deliberately not fused itself.
template <class T>
struct handwritten_mlp {
    std::size_t N, D, H, O;
    bool with_gx;                         //!< also compute gx = dL/dx
    Tensor<T> z1, h1, out;                //!< forward: x·w1 + b1, relu(z1), h1·w2 + b2
    Tensor<T> d_out, d_h1, d_z1;          //!< backward: adjoints of out, h1, z1
    Tensor<T> gw1, gb1, gw2, gb2, gx;     //!< gradients of the loss (gx is 0 x 0 unless with_gx)

    handwritten_mlp(std::size_t n, std::size_t d, std::size_t h, std::size_t o, bool want_gx = false)
        : N(n), D(d), H(h), O(o), with_gx(want_gx), z1(n, h), h1(n, h), out(n, o), d_out(n, o), d_h1(n, h),
          d_z1(n, h), gw1(d, h), gb1(1, h), gw2(h, o), gb2(1, o), gx(want_gx ? n : 0, want_gx ? d : 0) {}

    //! One forward and backward pass; returns loss = mean over all N·O elements of (out - y)^2.
    //! Gradients land in gw1, gb1, gw2, gb2 (and gx). Allocates nothing unless the shapes are wrong.
    T step(TensorView<T const> x, TensorView<T const> y, TensorView<T const> w1, TensorView<T const> b1,
           TensorView<T const> w2, TensorView<T const> b2) {
        check(x, N, D, "x");
        check(y, N, O, "y");
        check(w1, D, H, "w1");
        check(b1, 1, H, "b1");
        check(w2, H, O, "w2");
        check(b2, 1, O, "b2");

        // z1 = x·w1 + b1
        gemm<T>(false, false, N, H, D, T(1), x.data(), D, w1.data(), H, T(0), z1.data(), H);
        for (std::size_t i = 0; i < N; ++i)
            for (std::size_t j = 0; j < H; ++j) z1(i, j) += b1(0, j);
        // h1 = relu(z1)
        for (std::size_t k = 0; k < N * H; ++k) h1.data()[k] = z1.data()[k] > T(0) ? z1.data()[k] : T(0);
        // out = h1·w2 + b2
        gemm<T>(false, false, N, O, H, T(1), h1.data(), H, w2.data(), O, T(0), out.data(), O);
        for (std::size_t i = 0; i < N; ++i)
            for (std::size_t o = 0; o < O; ++o) out(i, o) += b2(0, o);
        // loss = mean((out - y)^2)
        T loss = 0;
        for (std::size_t k = 0; k < N * O; ++k) {
            T e = out.data()[k] - y.data()[k];
            loss += e * e;
        }
        loss /= static_cast<T>(N * O);
        // d_out = 2/(N·O) (out - y)
        T const scale = T(2) / static_cast<T>(N * O);
        for (std::size_t k = 0; k < N * O; ++k) d_out.data()[k] = scale * (out.data()[k] - y.data()[k]);
        // gw2 = h1^T·d_out
        gemm<T>(true, false, H, O, N, T(1), h1.data(), H, d_out.data(), O, T(0), gw2.data(), O);
        // gb2 = column sums of d_out
        column_sums(d_out, gb2);
        // d_h1 = d_out·w2^T
        gemm<T>(false, true, N, H, O, T(1), d_out.data(), O, w2.data(), O, T(0), d_h1.data(), H);
        // d_z1 = d_h1 ⊙ (z1 > 0)
        for (std::size_t k = 0; k < N * H; ++k) d_z1.data()[k] = z1.data()[k] > T(0) ? d_h1.data()[k] : T(0);
        // gw1 = x^T·d_z1
        gemm<T>(true, false, D, H, N, T(1), x.data(), D, d_z1.data(), H, T(0), gw1.data(), H);
        // gb1 = column sums of d_z1
        column_sums(d_z1, gb1);
        // gx = d_z1·w1^T
        if (with_gx) gemm<T>(false, true, N, D, H, T(1), d_z1.data(), H, w1.data(), H, T(0), gx.data(), D);
        return loss;
    }

    //! Convenience overload taking the problem's tensors.
    T step(mlp_data<T> const& p) { return step(p.x, p.y, p.w1, p.b1, p.w2, p.b2); }

    //! FLOPs of one step as the GEMMs count them: forward 2NDH + 2NHO, backward 2NHO (gw2) + 2NHO
    //! (d_h1) + 2NDH (gw1) [+ 2NDH (gx)]. Elementwise work is left out, as in GFLOP/s reports.
    [[nodiscard]] double gemm_flops() const {
        double const ndh = double(N) * double(D) * double(H), nho = double(N) * double(H) * double(O);
        return 2 * ndh + 2 * nho + 2 * nho + 2 * nho + 2 * ndh + (with_gx ? 2 * ndh : 0.0);
    }

private:
    static void check(TensorView<T const> const& t, std::size_t r, std::size_t c, char const* name) {
        if (t.rows() != r || t.cols() != c)
            throw shape_error(std::string("tapeless: handwritten_mlp: ") + name + " is " + to_string(t.shape()) +
                              ", expected " + to_string(shape{r, c}));
    }
    static void column_sums(Tensor<T> const& m, Tensor<T>& s) {
        for (std::size_t j = 0; j < m.cols(); ++j) s(0, j) = T(0);
        for (std::size_t i = 0; i < m.rows(); ++i)
            for (std::size_t j = 0; j < m.cols(); ++j) s(0, j) += m(i, j);
    }
};

} // namespace tapeless::bench

#endif
