//! @file Defines the tests of the GEMM backends against a long double reference.
// SPDX-License-Identifier: BSL-1.0
#include <tapeless/linalg/backend/portable.hpp>
#include <tapeless/tensor/storage.hpp>
#ifdef TAPELESS_TEST_HAVE_CBLAS
#include <tapeless/linalg/backend/cblas.hpp>
#endif

#include <boost/test/unit_test.hpp>

#include <boost/mpl/list.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using elements = boost::mpl::list<float, double>;

template <class T>
using gemm_fn = void (*)(bool, bool, std::size_t, std::size_t, std::size_t, T, T const*,
                         std::size_t, T const*, std::size_t, T, T*, std::size_t);

template <class T>
struct backend {
    char const* name;
    gemm_fn<T> fn;
};

template <class T>
std::vector<backend<T>> backends() {
    std::vector<backend<T>> r{{"portable", &tapeless::backend::portable::gemm<T>}};
#ifdef TAPELESS_TEST_HAVE_CBLAS
    r.push_back({"cblas", &tapeless::backend::cblas::gemm<T>});
#endif
    return r;
}

// Relative to the sum of |terms| per entry, so the bound tracks the rounding a sum can incur.
template <class T>
constexpr double tolerance = sizeof(T) == 4 ? 1e-5 : 1e-13;

struct shape3 {
    std::size_t m, n, k;
};

// rows x cols dense, copied to a row stride of cols + pad, padding set to `fill`.
template <class T>
std::vector<T> strided(std::vector<T> const& dense, std::size_t rows, std::size_t cols,
                       std::size_t pad, T fill) {
    std::size_t const ld = cols + pad;
    std::vector<T> out(rows * ld + 1, fill); // +1: never a null data() for empty matrices
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j) out[i * ld + j] = dense[i * cols + j];
    return out;
}

//! Every backend, transpose pair, alpha/beta pair and row padding on one shape.
template <class T>
void check_shape(shape3 s, std::mt19937& rng) {
    auto const [m, n, k] = s;
    std::uniform_real_distribution<T> dist(T(-1), T(1));
    auto random = [&](std::size_t count) {
        std::vector<T> v(count);
        for (auto& x : v) x = dist(rng);
        return v;
    };
    T const nan = std::numeric_limits<T>::quiet_NaN();
    T const sentinel = T(12345);
    struct ab {
        T alpha, beta;
    };
    ab const scalars[] = {{T(1), T(0)}, {T(2), T(0.5)}, {T(-1), T(1)}, {T(0), T(2)}};

    for (bool ta : {false, true}) {
        for (bool tb : {false, true}) {
            // Stored (untransposed) extents of A and B.
            std::size_t const ar = ta ? k : m, ac = ta ? m : k;
            std::size_t const br = tb ? n : k, bc = tb ? k : n;
            auto const a = random(ar * ac), b = random(br * bc), c0 = random(m * n);
            auto at = [&](std::size_t i, std::size_t p) { return ta ? a[p * ac + i] : a[i * ac + p]; };
            auto bt = [&](std::size_t p, std::size_t j) { return tb ? b[j * bc + p] : b[p * bc + j]; };

            std::vector<long double> ref(m * n), mag(m * n);
            for (std::size_t i = 0; i < m; ++i)
                for (std::size_t j = 0; j < n; ++j) {
                    long double sum = 0, abs_sum = 0;
                    for (std::size_t p = 0; p < k; ++p) {
                        long double const t = static_cast<long double>(at(i, p)) * bt(p, j);
                        sum += t;
                        abs_sum += std::fabs(t);
                    }
                    ref[i * n + j] = sum;
                    mag[i * n + j] = abs_sum;
                }

            for (std::size_t pad : {std::size_t{0}, std::size_t{5}}) {
                auto const as = strided(a, ar, ac, pad, nan);
                auto const bs = strided(b, br, bc, pad, nan);
                for (auto const [alpha, beta] : scalars) {
                    // beta == 0 must not read C: prefill with NaN so any read shows.
                    auto const cs = strided(beta == T(0) ? std::vector<T>(m * n, nan) : c0, m, n,
                                            pad, sentinel);
                    for (auto const& be : backends<T>()) {
                        auto c = cs;
                        be.fn(ta, tb, m, n, k, alpha, as.data(), ac + pad, bs.data(), bc + pad,
                              beta, c.data(), n + pad);
                        double worst = 0;
                        bool padding_ok = true;
                        for (std::size_t i = 0; i < m; ++i) {
                            for (std::size_t j = 0; j < n; ++j) {
                                long double const c_in = beta == T(0) ? 0 : c0[i * n + j];
                                long double const want = alpha * ref[i * n + j] + beta * c_in;
                                long double const scale = std::fabs(alpha) * mag[i * n + j] +
                                                          std::fabs(beta * c_in) +
                                                          std::numeric_limits<T>::min();
                                long double const got = c[i * (n + pad) + j];
                                double const err =
                                    std::isnan(got) ? 1e300
                                                    : static_cast<double>(std::fabs(got - want) / scale);
                                if (err > worst) worst = err;
                            }
                            for (std::size_t j = n; j < n + pad; ++j)
                                padding_ok = padding_ok && c[i * (n + pad) + j] == sentinel;
                        }
                        BOOST_TEST_CONTEXT(be.name << " m=" << m << " n=" << n << " k=" << k
                                                   << " ta=" << ta << " tb=" << tb << " pad="
                                                   << pad << " alpha=" << alpha << " beta=" << beta) {
                            BOOST_TEST(worst <= tolerance<T>);
                            BOOST_TEST(padding_ok);
                        }
                    }
                }
            }
        }
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(eval_gemm)

BOOST_AUTO_TEST_CASE_TEMPLATE(tiny_and_empty, T, elements) {
    std::mt19937 rng(1);
    for (shape3 s : {shape3{1, 1, 1}, {0, 0, 0}, {0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {1, 1, 0},
                     {8, 3, 4}, {8, 4, 3}, {2, 7, 1}, {5, 1, 9}, {1, 9, 5}})
        check_shape<T>(s, rng);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(odd_sizes, T, elements) {
    std::mt19937 rng(2);
    // Odd sizes leave partial micro-tiles on every edge; the larger ones cross the cache blocks
    // (k past one packed B panel, n past one B block). Widths 1..70 reach every kernel width.
    for (shape3 s : {shape3{17, 33, 65}, {15, 16, 17}, {31, 47, 3}, {9, 9, 9}, {23, 5, 40},
                     {19, 24, 31}, {40, 70, 12}, {300, 70, 600}, {37, 1100, 530}, {21, 20, 5000}})
        check_shape<T>(s, rng);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(mlp_shapes, T, elements) {
    std::mt19937 rng(3);
    // A 784-50-1 MLP at batch 64 and 1000: forward X*W1, backward X^T*dZ and dZ2*W2^T.
    for (shape3 s : {shape3{64, 50, 784}, {1000, 50, 784}, {784, 50, 1000}, {1000, 50, 1}})
        check_shape<T>(s, rng);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(matrix_vector, T, elements) {
    std::mt19937 rng(4);
    // n == 1 (GEMV), m == 1 (row vector times matrix) and k == 1 (outer product), at lengths on
    // both sides of every vector and strip edge (W = 8 or 16 lanes; strips of up to 8 vectors).
    std::size_t const lengths[] = {1, 3, 15, 16, 17, 31, 33, 50, 80, 129, 784, 1000};
    std::size_t const depths[] = {1, 2, 15, 16, 17, 50, 1000};
    for (std::size_t len : lengths)
        for (std::size_t k : depths) {
            check_shape<T>({len, 1, k}, rng);
            check_shape<T>({1, len, k}, rng);
        }
    for (std::size_t m : lengths)
        for (std::size_t n : {std::size_t{2}, std::size_t{15}, std::size_t{16}, std::size_t{17},
                              std::size_t{31}, std::size_t{33}, std::size_t{50}, std::size_t{129}})
            check_shape<T>({m, n, 1}, rng);
    // The step's skinny products at batch 10000; last, a strided x longer than one gathered slice.
    for (shape3 s : {shape3{10000, 1, 50}, {50, 1, 10000}, {10000, 50, 1}, {1, 50, 40000}})
        check_shape<T>(s, rng);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(beta_zero_ignores_nan, T, elements) {
    // A direct check of the contract: with beta == 0 whatever is in C is overwritten.
    T const a[] = {1, 2, 3, 4, 5, 6};      // 2 x 3
    T const b[] = {1, 0, 0, 1, 1, 1};      // 3 x 2
    T const want[] = {4, 5, 10, 11};
    for (auto const& be : backends<T>()) {
        T c[4];
        for (auto& x : c) x = std::numeric_limits<T>::quiet_NaN();
        be.fn(false, false, 2, 2, 3, T(1), a, 3, b, 2, T(0), c, 2);
        for (int i = 0; i < 4; ++i) BOOST_TEST(c[i] == want[i], be.name << " entry " << i);
    }
}

// Row blocks of one product sharing one packing of op(B) compute exactly what `gemm` computes on
// those rows: a threaded step relies on it to give the same bits as a serial one.
BOOST_AUTO_TEST_CASE_TEMPLATE(prepacked_b_row_blocks_equal_gemm, T, elements) {
    namespace pt = tapeless::backend::portable;
    std::mt19937_64 g(5);
    std::uniform_real_distribution<double> u(-1, 1);
    std::size_t tried = 0;
    for (auto [m, n, k] : {std::array<std::size_t, 3>{1000, 50, 784}, {250, 17, 33}, {64, 64, 300}, {40, 3, 9}}) {
        if (pt::packed_b_size<T>(m / 4, n, k) == 0) continue; // 64 columns of double: the general path
        ++tried;
        for (bool ta : {false, true})
            for (bool tb : {false, true}) {
                BOOST_TEST_CONTEXT(m << "x" << n << "x" << k << " ta " << ta << " tb " << tb) {
                    std::vector<T> a(m * k), b(k * n), whole(m * n), blocked(m * n, T(-7));
                    for (auto& v : a) v = T(u(g));
                    for (auto& v : b) v = T(u(g));
                    std::size_t const lda = ta ? m : k, ldb = tb ? k : n;
                    auto packed = tapeless::detail::allocate_aligned<T>(pt::packed_b_size<T>(m, n, k));
                    pt::pack_narrow_b<T>(tb, n, k, b.data(), ldb, packed.get());
                    for (std::size_t first = 0, rows = (m + 3) / 4; first < m; first += rows) {
                        std::size_t const r = std::min(rows, m - first);
                        T const* ab = ta ? a.data() + first : a.data() + first * lda;
                        pt::gemm(ta, tb, r, n, k, T(1), ab, lda, b.data(), ldb, T(0), whole.data() + first * n, n);
                        pt::gemm_prepacked_b<T>(ta, r, n, k, T(1), ab, lda, packed.get(), blocked.data() + first * n,
                                                n);
                    }
                    BOOST_TEST(std::memcmp(whole.data(), blocked.data(), whole.size() * sizeof(T)) == 0);
                }
            }
    }
    // How many of these shapes take the narrow path depends on the vector width: at least one does
    // on every ISA (two with 64-byte vectors, one with 32-byte ones).
    BOOST_TEST(tried >= 1u);
    BOOST_TEST(pt::packed_b_size<T>(1000, 1, 784) == 0u); // matrix-vector: not the narrow path
    BOOST_TEST(pt::packed_b_size<T>(1000, 500, 784) == 0u); // wide: the general path
}

BOOST_AUTO_TEST_SUITE_END()
