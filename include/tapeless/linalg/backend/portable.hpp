//! @file Defines the portable GEMM backend: packed, cache-blocked kernels on compiler vector types.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_LINALG_BACKEND_PORTABLE_HPP
#define TAPELESS_LINALG_BACKEND_PORTABLE_HPP

#include "../../config.hpp"

#include <cstddef>
#include <cstring>
#include <utility>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace tapeless::backend::portable {

namespace detail {

// Vector width follows the compile-time target, so no code path needs a wider ISA than built for.
#if defined(__AVX512F__)
inline constexpr std::size_t vector_bytes = 64;
#elif defined(__AVX__)
inline constexpr std::size_t vector_bytes = 32;
#else
inline constexpr std::size_t vector_bytes = 16;
#endif

// Registers available to the micro-kernel: AVX-512 has 32, SSE/AVX 16.
#if defined(__AVX512F__)
inline constexpr std::size_t vector_registers = 32;
#else
inline constexpr std::size_t vector_registers = 16;
#endif

template <class T>
struct vec_of;
template <>
struct vec_of<float> {
    typedef float type __attribute__((vector_size(vector_bytes)));
};
template <>
struct vec_of<double> {
    typedef double type __attribute__((vector_size(vector_bytes)));
};

//! Blocking for element type T, for the general (wide n) path. The micro-tile is MR rows by NV
//! vectors; the packed A block (MC x KC) stays in L2, a B micro-panel (KC x NR) in L1. MC * KC and
//! KC * NC also size the per-thread buffers: 336 KiB + 256 KiB per element type under AVX-512.
template <class T>
struct blocking {
    static constexpr std::size_t W = vector_bytes / sizeof(T); // lanes
    static constexpr std::size_t NV = 2;
    // Accumulators MR*NV plus NV B vectors plus a broadcast must fit the register file.
    static constexpr std::size_t MR = vector_registers == 32 ? 14 : 6;
    static constexpr std::size_t NR = NV * W;
    static constexpr std::size_t KC = 256;
    static constexpr std::size_t MC = MR * (sizeof(T) == 4 ? 24 : 12);
    // Larger NC measured no faster here, and would only grow every thread's buffers.
    static constexpr std::size_t NC = NR * 8;
};

template <class V, class T>
TAPELESS_ALWAYS_INLINE V load(T const* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

template <class V, class T>
TAPELESS_ALWAYS_INLINE void store(T* p, V v) {
    std::memcpy(p, &v, sizeof v);
}

//! p[0..count) = r[0..count) + beta * p[0..count), without touching p past count (count < lanes);
//! p is not read when beta == 0.
template <class V, class T>
TAPELESS_ALWAYS_INLINE void store_partial(T* p, V r, std::size_t count, T beta) {
#if defined(__AVX512F__)
    // Masked moves: the right edge of every tile in a narrow product goes through here.
    if constexpr (sizeof(V) == 64) {
        auto const mask = static_cast<__mmask16>((1u << count) - 1u);
        if constexpr (sizeof(T) == 4) {
            if (beta != T(0)) r += beta * V(_mm512_maskz_loadu_ps(mask, p));
            _mm512_mask_storeu_ps(p, mask, __m512(r));
        } else {
            if (beta != T(0)) r += beta * V(_mm512_maskz_loadu_pd(static_cast<__mmask8>(mask), p));
            _mm512_mask_storeu_pd(p, static_cast<__mmask8>(mask), __m512d(r));
        }
        return;
    }
#endif
    // Bounded by the lanes too: g++ 12 cannot see count < lanes and warns of reads past r.
    constexpr std::size_t lanes = sizeof(V) / sizeof(T);
    for (std::size_t l = 0; l < count && l < lanes; ++l) p[l] = beta != T(0) ? r[l] + beta * p[l] : r[l];
}

//! Lanes [0, count) from p, the rest zero (count <= lanes); nothing at or past p + count is read.
template <class V, class T>
TAPELESS_ALWAYS_INLINE V load_partial(T const* p, std::size_t count) {
#if defined(__AVX512F__)
    if constexpr (sizeof(V) == 64) {
        auto const mask = static_cast<__mmask16>((1u << count) - 1u);
        if constexpr (sizeof(T) == 4)
            return V(_mm512_maskz_loadu_ps(mask, p));
        else
            return V(_mm512_maskz_loadu_pd(static_cast<__mmask8>(mask), p));
    }
#endif
    if (count >= sizeof(V) / sizeof(T)) return load<V>(p);
    V v{};
    std::memcpy(&v, p, count * sizeof(T));
    return v;
}

//! out[l * ldo] = r[l] + beta * out[l * ldo] for l < count (count <= lanes); out is not read when
//! beta == 0. A column of C (ldo = ldc) or a row (ldo = 1).
template <class V, class T>
TAPELESS_ALWAYS_INLINE void store_lanes(T* out, std::size_t ldo, V r, std::size_t count, T beta) {
    if (ldo == 1) {
        if (count < sizeof(V) / sizeof(T)) return store_partial(out, r, count, beta);
        if (beta != T(0)) r += beta * load<V>(out);
        return store(out, r);
    }
    for (std::size_t l = 0; l < count; ++l)
        out[l * ldo] = beta != T(0) ? r[l] + beta * out[l * ldo] : r[l];
}

//! How the micro-kernel walks A: a packed panel (a[p*MR + i]), or op(A) read in place from a
//! transposed (a[p*ld + i]) or untransposed (a[i*ld + p]) source.
enum class a_layout { packed, strided_k, strided_m };

//! C[mr x nr] = alpha * A(MR x kc) * Bpanel(kc x NV*W) + beta * C, with B packed as b[p*NV*W + j].
//! Always computes the full tile (B is zero-padded, A rows exist); only the mr x nr corner is stored.
template <class T, std::size_t MR, std::size_t NV, a_layout AL>
void micro_kernel(std::size_t kc, T const* TAPELESS_RESTRICT a, std::size_t lda,
                  T const* TAPELESS_RESTRICT b, T* TAPELESS_RESTRICT c, std::size_t ldc, T alpha,
                  T beta, std::size_t mr, std::size_t nr) {
    using V = typename vec_of<T>::type;
    constexpr std::size_t W = vector_bytes / sizeof(T);
    std::size_t const rs = AL == a_layout::strided_m ? lda : 1;
    std::size_t const cs = AL == a_layout::packed ? MR : AL == a_layout::strided_k ? lda : 1;
    constexpr std::size_t prefetch_distance = 32; // k steps; measured best of 8..32
    V acc[MR][NV];
#pragma GCC unroll 32
    for (std::size_t i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (std::size_t v = 0; v < NV; ++v) acc[i][v] = V{};

    for (std::size_t p = 0; p < kc; ++p) {
        V bv[NV];
#pragma GCC unroll 4
        for (std::size_t v = 0; v < NV; ++v) bv[v] = *reinterpret_cast<V const*>(b + v * W);
        // Each step of a transposed source is a new cache line at a large stride: fetch ahead.
        if constexpr (AL == a_layout::strided_k) __builtin_prefetch(a + prefetch_distance * cs);
#pragma GCC unroll 32
        for (std::size_t i = 0; i < MR; ++i) {
            T const ai = a[i * rs];
#pragma GCC unroll 4
            for (std::size_t v = 0; v < NV; ++v) acc[i][v] += ai * bv[v];
        }
        a += cs;
        b += NV * W;
    }

    // Compile-time loop bounds keep acc in registers; runtime mr/nr only guard the stores.
#pragma GCC unroll 32
    for (std::size_t i = 0; i < MR; ++i) {
        if (i >= mr) break;
        T* cr = c + i * ldc;
#pragma GCC unroll 4
        for (std::size_t v = 0; v < NV; ++v) {
            std::size_t const j0 = v * W;
            if (j0 >= nr) break;
            V r = alpha * acc[i][v];
            if (j0 + W <= nr) {
                if (beta != T(0)) r += beta * load<V>(cr + j0);
                store(cr + j0, r);
            } else {
                store_partial(cr + j0, r, nr - j0, beta);
            }
        }
    }
}

//! Packs op(A) (mc x kc, from its top-left at `a`) as MR-row micro-panels, k-major, zero-padded.
template <std::size_t MR, class T>
void pack_a(bool ta, T const* TAPELESS_RESTRICT a, std::size_t lda, std::size_t mc, std::size_t kc,
            T* TAPELESS_RESTRICT out) {
    for (std::size_t ir = 0; ir < mc; ir += MR) {
        std::size_t const mr = mc - ir < MR ? mc - ir : MR;
        if (!ta) {
            T const* src = a + ir * lda;
            if (mr == MR) {
                for (std::size_t p = 0; p < kc; ++p)
#pragma GCC unroll 32
                    for (std::size_t i = 0; i < MR; ++i) out[p * MR + i] = src[i * lda + p];
            } else {
                for (std::size_t p = 0; p < kc; ++p)
                    for (std::size_t i = 0; i < MR; ++i)
                        out[p * MR + i] = i < mr ? src[i * lda + p] : T(0);
            }
        } else {
            // Stored k x m: each k row of the panel is contiguous in memory.
            T const* src = a + ir;
            for (std::size_t p = 0; p < kc; ++p)
                for (std::size_t i = 0; i < MR; ++i)
                    out[p * MR + i] = i < mr ? src[p * lda + i] : T(0);
        }
        out += MR * kc;
    }
}

//! Packs op(B) (kc x nc, from its top-left at `b`) as NR-column micro-panels, k-major, zero-padded.
template <std::size_t NR, class T>
void pack_b(bool tb, T const* TAPELESS_RESTRICT b, std::size_t ldb, std::size_t kc, std::size_t nc,
            T* TAPELESS_RESTRICT out) {
    for (std::size_t jr = 0; jr < nc; jr += NR) {
        std::size_t const nr = nc - jr < NR ? nc - jr : NR;
        if (!tb) {
            T const* src = b + jr;
            for (std::size_t p = 0; p < kc; ++p)
                for (std::size_t j = 0; j < NR; ++j)
                    out[p * NR + j] = j < nr ? src[p * ldb + j] : T(0);
        } else {
            // Stored n x k: walk each source row contiguously, scatter into the panel.
            T const* src = b + jr * ldb;
            for (std::size_t j = 0; j < NR; ++j)
                for (std::size_t p = 0; p < kc; ++p)
                    out[p * NR + j] = j < nr ? src[j * ldb + p] : T(0);
        }
        out += NR * kc;
    }
}

//! The per-thread packing buffers: fixed size, so no call allocates, and reentrant across threads.
template <class T>
struct buffers {
    alignas(64) T a[blocking<T>::MC * blocking<T>::KC];
    alignas(64) T b[blocking<T>::KC * blocking<T>::NC];
};

template <class T>
TAPELESS_ALWAYS_INLINE buffers<T>& thread_buffers() {
    alignas(64) static thread_local buffers<T> bufs;
    return bufs;
}

//! Unpacked path for tiny products, where packing and tile set-up would cost more than the
//! arithmetic: plain dot products, which compilers unroll well for the few k involved.
template <bool TA, bool TB, class T>
void gemm_small(std::size_t m, std::size_t n, std::size_t k, T alpha, T const* a, std::size_t lda,
                T const* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    std::size_t const as = TA ? lda : 1, bs = TB ? 1 : ldb;
    for (std::size_t i = 0; i < m; ++i) {
        T const* ar = TA ? a + i : a + i * lda;
        T* cr = c + i * ldc;
        for (std::size_t j = 0; j < n; ++j) {
            T const* bc = TB ? b + j * ldb : b + j;
            T sum = 0;
            for (std::size_t p = 0; p < k; ++p) sum += ar[p * as] * bc[p * bs];
            cr[j] = beta == T(0) ? alpha * sum : alpha * sum + beta * cr[j];
        }
    }
}

//! Rows per micro-tile for a tile NV vectors wide: as many as the registers hold beside the NV
//! B vectors and one broadcast, capped where more rows stop hiding FMA latency any better.
template <std::size_t NV>
inline constexpr std::size_t narrow_mr = [] {
    std::size_t const cap = vector_registers == 32 ? 16 : 8;
    std::size_t const fit = (vector_registers - NV - 1) / NV;
    return fit < cap ? fit : cap;
}();

//! op(B) at most NV vectors wide: one B panel covers all of n, so A is used once per tile and
//! is read in place rather than packed (packing would cost as much as the tile's arithmetic).
//! With `packed`, op(B) was packed whole beforehand (`pack_narrow_b`): row blocks of one product
//! then share one packing instead of repeating it.
template <std::size_t NV, class T>
void gemm_narrow(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha,
                 T const* a, std::size_t lda, T const* b, std::size_t ldb, T beta, T* c,
                 std::size_t ldc, T const* packed = nullptr) {
    constexpr std::size_t MR = narrow_mr<NV>;
    constexpr std::size_t NR = NV * blocking<T>::W;
    constexpr std::size_t bsize = blocking<T>::KC * blocking<T>::NC;
    // k rows of the B panel per L1-resident slice (32 KiB), and per packing pass.
    constexpr std::size_t KL = 32768 / (NR * sizeof(T));
    constexpr std::size_t KB = bsize / NR / KL * KL;
    static_assert(KB >= KL && MR * KL <= blocking<T>::MC * blocking<T>::KC, "buffers too small");
    auto& buf = thread_buffers<T>();

    for (std::size_t pk = 0; pk < k; pk += KB) {
        std::size_t const kb = k - pk < KB ? k - pk : KB;
        T const* panel = packed ? packed + pk * NR : buf.b;
        if (!packed) pack_b<NR>(tb, tb ? b + pk : b + pk * ldb, ldb, kb, n, buf.b);
        // One tile of op(A) times a kc-row slice of the B panel.
        auto tile = [&](std::size_t ir, std::size_t pc, std::size_t kc) {
            std::size_t const mr = m - ir < MR ? m - ir : MR;
            T const beta_blk = pk + pc == 0 ? beta : T(1);
            T const* bp = panel + pc * NR;
            T const* ap = ta ? a + (pk + pc) * lda + ir : a + ir * lda + pk + pc;
            T* cp = c + ir * ldc;
            if (mr < MR) {
                // Bottom edge: pack so the kernel never reads rows past m.
                pack_a<MR>(ta, ap, lda, mr, kc, buf.a);
                micro_kernel<T, MR, NV, a_layout::packed>(kc, buf.a, 0, bp, cp, ldc, alpha,
                                                          beta_blk, mr, n);
            } else if (ta) {
                micro_kernel<T, MR, NV, a_layout::strided_k>(kc, ap, lda, bp, cp, ldc, alpha,
                                                             beta_blk, MR, n);
            } else {
                micro_kernel<T, MR, NV, a_layout::strided_m>(kc, ap, lda, bp, cp, ldc, alpha,
                                                             beta_blk, MR, n);
            }
        };
        if (ta) {
            // op(A) rows are source columns: an L2-sized slice of source rows serves every tile.
            for (std::size_t pc = 0; pc < kb; pc += KL)
                for (std::size_t ir = 0; ir < m; ir += MR) tile(ir, pc, kb - pc < KL ? kb - pc : KL);
        } else {
            // Source rows: stream each tile's MR rows start to end, the prefetcher's best case.
            for (std::size_t ir = 0; ir < m; ir += MR)
                for (std::size_t pc = 0; pc < kb; pc += KL) tile(ir, pc, kb - pc < KL ? kb - pc : KL);
        }
    }
}

//! General path (GotoBLAS loop order): B blocks in L3/L2, packed A block in L2, B micro-panel in L1.
template <class T>
void gemm_packed(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, T const* a,
                 std::size_t lda, T const* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    using Bk = blocking<T>;
    constexpr std::size_t MR = Bk::MR, NV = Bk::NV, NR = Bk::NR, KC = Bk::KC, MC = Bk::MC,
                          NC = Bk::NC;
    auto& buf = thread_buffers<T>();

    // Even k blocks: a short last block would waste a full C read-modify-write pass.
    std::size_t const kblocks = (k + KC - 1) / KC;
    std::size_t const kstep = (k + kblocks - 1) / kblocks;

    for (std::size_t jc = 0; jc < n; jc += NC) {
        std::size_t const nc = n - jc < NC ? n - jc : NC;
        for (std::size_t pc = 0; pc < k; pc += kstep) {
            std::size_t const kc = k - pc < kstep ? k - pc : kstep;
            T const beta_blk = pc == 0 ? beta : T(1);
            pack_b<NR>(tb, tb ? b + jc * ldb + pc : b + pc * ldb + jc, ldb, kc, nc, buf.b);
            for (std::size_t ic = 0; ic < m; ic += MC) {
                std::size_t const mc = m - ic < MC ? m - ic : MC;
                pack_a<MR>(ta, ta ? a + pc * lda + ic : a + ic * lda + pc, lda, mc, kc, buf.a);
                for (std::size_t jr = 0; jr < nc; jr += NR) {
                    std::size_t const nr = nc - jr < NR ? nc - jr : NR;
                    for (std::size_t ir = 0; ir < mc; ir += MR) {
                        std::size_t const mr = mc - ir < MR ? mc - ir : MR;
                        micro_kernel<T, MR, NV, a_layout::packed>(
                            kc, buf.a + ir * kc, 0, buf.b + jr * kc, c + (ic + ir) * ldc + jc + jr,
                            ldc, alpha, beta_blk, mr, nr);
                    }
                }
            }
        }
    }
}

//! Matrix-vector shapes (n == 1, m == 1, k == 1) use every element of the matrix once: nothing is
//! reused, so they skip packing and register tiles and only stream the matrix at full vector width.

//! Shuffle index of lane l when two vectors fold into one (see fold_rows): per 2H-lane block, lanes
//! [0, H) sum x's block halves and lanes [H, 2H) sum y's; `hi` picks the second addend.
template <std::size_t W, std::size_t H>
constexpr int fold_index(std::size_t l, bool hi) {
    std::size_t const blk = l / (2 * H) * (2 * H), off = l % (2 * H), h = hi ? H : 0;
    return static_cast<int>(off < H ? blk + off + h : W + blk + off - H + h);
}

template <std::size_t W>
constexpr int bit_reverse(std::size_t l) {
    std::size_t r = 0;
    for (std::size_t b = 1; b < W; b <<= 1) r = r << 1 | ((l & b) != 0);
    return static_cast<int>(r);
}

template <std::size_t H, class V, std::size_t... L>
TAPELESS_ALWAYS_INLINE V fold_pair(V x, V y, std::index_sequence<L...>) {
    constexpr std::size_t W = sizeof...(L);
    return __builtin_shufflevector(x, y, fold_index<W, H>(L, false)...) +
           __builtin_shufflevector(x, y, fold_index<W, H>(L, true)...);
}

//! Folds N vectors (H lanes per row each) pairwise until one remains; started with N = lanes and
//! H = lanes / 2, lane l ends up holding the sum of all lanes of v[bit_reverse(l)].
template <std::size_t H, class V, std::size_t N>
TAPELESS_ALWAYS_INLINE V fold_rows(V const (&v)[N]) {
    if constexpr (N == 1) {
        return v[0];
    } else {
        constexpr std::size_t W = sizeof(V) / sizeof(v[0][0]);
        V u[N / 2];
#pragma GCC unroll 16
        for (std::size_t r = 0; r < N / 2; ++r)
            u[r] = fold_pair<H>(v[2 * r], v[2 * r + 1], std::make_index_sequence<W>{});
        return fold_rows<H / 2>(u);
    }
}

//! Lane l = the sum of all lanes of v[l]: a tree of W - 1 shuffle pairs rather than one horizontal
//! reduction per vector, which would cost more than the short dot products themselves.
template <class V, std::size_t W, std::size_t... L>
TAPELESS_ALWAYS_INLINE V sum_lanes(V const (&v)[W], std::index_sequence<L...>) {
    V const s = fold_rows<W / 2>(v);
    return __builtin_shufflevector(s, s, bit_reverse<W>(L)...);
}

//! out[i * ldo] = alpha * M[i, :k] . x + beta * out[i * ldo] for i < rows (M rows at stride ld, x
//! contiguous): W rows at once, one accumulator each (W independent FMA chains), folded together.
template <class T>
void gemv_rows(std::size_t rows, std::size_t k, T const* mat, std::size_t ld, T const* x, T alpha,
               T beta, T* out, std::size_t ldo) {
    using V = typename vec_of<T>::type;
    constexpr std::size_t W = blocking<T>::W;
    std::size_t const kv = k / W * W;
    for (std::size_t i0 = 0; i0 < rows; i0 += W) {
        std::size_t const nr = rows - i0 < W ? rows - i0 : W;
        // Rows past the end repeat the last one: the tile keeps its shape, extra sums are dropped.
        T const* r[W];
#pragma GCC unroll 16
        for (std::size_t s = 0; s < W; ++s) r[s] = mat + (i0 + (s < nr ? s : nr - 1)) * ld;
        V acc[W] = {};
        for (std::size_t p = 0; p < kv; p += W) {
            V const xv = load<V>(x + p);
#pragma GCC unroll 16
            for (std::size_t s = 0; s < W; ++s) acc[s] += load<V>(r[s] + p) * xv;
        }
        if (kv < k) {
            // Zeros past k on both sides: every lane goes into the sum, so none may hold padding.
            V const xv = load_partial<V>(x + kv, k - kv);
#pragma GCC unroll 16
            for (std::size_t s = 0; s < W; ++s) acc[s] += load_partial<V>(r[s] + kv, k - kv) * xv;
        }
        store_lanes(out + i0 * ldo, ldo, alpha * sum_lanes(acc, std::make_index_sequence<W>{}), nr,
                    beta);
    }
}

//! gemv_rows for x at any stride: a strided x is first gathered into the B buffer, k in slices.
template <class T>
void gemv_dot(std::size_t rows, std::size_t k, T const* mat, std::size_t ld, T const* x,
              std::size_t xs, T alpha, T beta, T* out, std::size_t ldo) {
    if (xs == 1) return gemv_rows(rows, k, mat, ld, x, alpha, beta, out, ldo);
    constexpr std::size_t W = blocking<T>::W, KB = blocking<T>::KC * blocking<T>::NC / W * W;
    T* xp = thread_buffers<T>().b;
    for (std::size_t pk = 0; pk < k; pk += KB) {
        std::size_t const kb = k - pk < KB ? k - pk : KB;
        for (std::size_t p = 0; p < kb; ++p) xp[p] = x[(pk + p) * xs];
        gemv_rows(rows, kb, mat + pk, ld, xp, alpha, pk == 0 ? beta : T(1), out, ldo);
    }
}

//! out[j * ldo] = alpha * sum_p x[p * xs] * M[p, j] + beta * out[j * ldo] for j < len (M rows at
//! stride ld): an axpy sweep down the k rows of an NV-vector strip. NV * S = 8 accumulators (S sets
//! over alternate rows) keep eight FMA chains in flight. len == NV * W, or if Masked len <= NV * W
//! and every vector is masked to len: one strip of 1, 2, 4 or 8 vectors then covers any remainder
//! in a single pass, with fewer instantiations than one per width.
template <std::size_t NV, bool Masked, class T>
void gemv_strip(std::size_t len, std::size_t k, T const* mat, std::size_t ld, T const* x,
                std::size_t xs, T alpha, T beta, T* out, std::size_t ldo) {
    using V = typename vec_of<T>::type;
    constexpr std::size_t W = blocking<T>::W, S = 8 / NV;
    // Lanes of each vector inside len; an empty vector reads nothing from the row's start.
    std::size_t cnt[NV], off[NV];
#pragma GCC unroll 8
    for (std::size_t v = 0; v < NV; ++v) {
        cnt[v] = !Masked || len >= (v + 1) * W ? W : len > v * W ? len - v * W : 0;
        off[v] = cnt[v] != 0 ? v * W : 0;
    }
    V acc[S][NV] = {};
    auto row = [&](V(&a)[NV], std::size_t p) {
        T const* mp = mat + p * ld;
        T const xp = x[p * xs];
#pragma GCC unroll 8
        for (std::size_t v = 0; v < NV; ++v)
            a[v] += xp * (Masked ? load_partial<V>(mp + off[v], cnt[v]) : load<V>(mp + v * W));
    };
    std::size_t p = 0;
    for (; p + S <= k; p += S)
#pragma GCC unroll 8
        for (std::size_t s = 0; s < S; ++s) row(acc[s], p + s);
    for (; p < k; ++p) row(acc[0], p);
#pragma GCC unroll 8
    for (std::size_t v = 0; v < NV; ++v) {
#pragma GCC unroll 8
        for (std::size_t s = 1; s < S; ++s) acc[0][v] += acc[s][v];
        if (cnt[v] != 0) store_lanes(out + v * W * ldo, ldo, alpha * acc[0][v], cnt[v], beta);
    }
}

//! gemv_strip over any len: full 8-vector strips, then one masked strip over the rest.
template <class T>
void gemv_sweep(std::size_t len, std::size_t k, T const* mat, std::size_t ld, T const* x,
                std::size_t xs, T alpha, T beta, T* out, std::size_t ldo) {
    constexpr std::size_t W = blocking<T>::W;
    std::size_t j = 0;
    for (; len - j > 8 * W; j += 8 * W)
        gemv_strip<8, false>(8 * W, k, mat + j, ld, x, xs, alpha, beta, out + j * ldo, ldo);
    std::size_t const rest = len - j;
    T const* const mj = mat + j;
    T* const oj = out + j * ldo;
    if (rest <= W)
        gemv_strip<1, true>(rest, k, mj, ld, x, xs, alpha, beta, oj, ldo);
    else if (rest <= 2 * W)
        gemv_strip<2, true>(rest, k, mj, ld, x, xs, alpha, beta, oj, ldo);
    else if (rest <= 4 * W)
        gemv_strip<4, true>(rest, k, mj, ld, x, xs, alpha, beta, oj, ldo);
    else
        gemv_strip<8, true>(rest, k, mj, ld, x, xs, alpha, beta, oj, ldo);
}

//! C = alpha * a * b^T + beta * C for k == 1 (a: m at stride as, b: n contiguous): each row of C
//! is b scaled, so lanes run along n and C is written once.
template <class T>
void outer_rows(std::size_t m, std::size_t n, T alpha, T const* a, std::size_t as, T const* b,
                T beta, T* c, std::size_t ldc) {
    using V = typename vec_of<T>::type;
    constexpr std::size_t W = blocking<T>::W;
    std::size_t const nv = n / W * W;
    for (std::size_t i = 0; i < m; ++i) {
        T const ai = alpha * a[i * as];
        T* cr = c + i * ldc;
        for (std::size_t j = 0; j < nv; j += W) {
            V r = ai * load<V>(b + j);
            if (beta != T(0)) r += beta * load<V>(cr + j);
            store(cr + j, r);
        }
        if (nv < n) store_partial(cr + nv, ai * load_partial<V>(b + nv, n - nv), n - nv, beta);
    }
}

//! outer_rows for b at any stride: a strided b is first gathered into the B buffer, n in slices.
template <class T>
void outer(std::size_t m, std::size_t n, T alpha, T const* a, std::size_t as, T const* b,
           std::size_t bs, T beta, T* c, std::size_t ldc) {
    if (bs == 1) return outer_rows(m, n, alpha, a, as, b, beta, c, ldc);
    constexpr std::size_t NB = blocking<T>::KC * blocking<T>::NC;
    T* bp = thread_buffers<T>().b;
    for (std::size_t jc = 0; jc < n; jc += NB) {
        std::size_t const nb = n - jc < NB ? n - jc : NB;
        for (std::size_t j = 0; j < nb; ++j) bp[j] = b[(jc + j) * bs];
        outer_rows(m, nb, alpha, a, as, bp, beta, c + jc, ldc);
    }
}

//! Vectors of the narrow path's B panel for n columns (1 to 4), or 0 where the general path runs.
template <class T>
constexpr std::size_t narrow_vectors(std::size_t n) {
    constexpr std::size_t W = blocking<T>::W;
    constexpr std::size_t widest = vector_registers == 32 ? 4 : 2;
    std::size_t const nv = (n + W - 1) / W;
    return nv <= widest ? nv : 0;
}

template <class T>
void gemm_narrow_nv(std::size_t nv, bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha,
                    T const* a, std::size_t lda, T const* b, std::size_t ldb, T beta, T* c, std::size_t ldc,
                    T const* packed) {
    constexpr bool wide = vector_registers == 32;
    switch (nv) {
    case 1: gemm_narrow<1>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, packed); break;
    case 2: gemm_narrow<2>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, packed); break;
    case 3: gemm_narrow<wide ? 3 : 1>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, packed); break;
    default: gemm_narrow<wide ? 4 : 1>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, packed); break;
    }
}

} // namespace detail

//! C = alpha * op(A) * op(B) + beta * C, row-major; see `tapeless::gemm` for the contract.
template <class T>
void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, T const* a,
          std::size_t lda, T const* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8, "tapeless: gemm: float or double only");
    if (m == 0 || n == 0) return;
    if (k == 0 || alpha == T(0)) {
        // Nothing to multiply: C = beta * C, and C is not read when beta == 0.
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j)
                c[i * ldc + j] = beta == T(0) ? T(0) : beta * c[i * ldc + j];
        return;
    }
    // Measured crossover: beyond ~128 multiply-adds the vector kernels win despite their set-up.
    if (m * n * k <= 128 && n < detail::blocking<T>::W) {
        // Four instantiations so the inner loop has no transpose branches.
        if (ta)
            tb ? detail::gemm_small<true, true>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
               : detail::gemm_small<true, false>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else
            tb ? detail::gemm_small<false, true>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
               : detail::gemm_small<false, false>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    // Matrix-vector shapes; both orientations of a GEMV reduce to the same two kernels, chosen by
    // whether the matrix's stored rows run along the output (sweep) or along k (dot products).
    if (n == 1) {
        std::size_t const xs = tb ? 1 : ldb;
        ta ? detail::gemv_sweep(m, k, a, lda, b, xs, alpha, beta, c, ldc)
           : detail::gemv_dot(m, k, a, lda, b, xs, alpha, beta, c, ldc);
        return;
    }
    if (m == 1) {
        std::size_t const xs = ta ? lda : 1;
        tb ? detail::gemv_dot(n, k, b, ldb, a, xs, alpha, beta, c, std::size_t{1})
           : detail::gemv_sweep(n, k, b, ldb, a, xs, alpha, beta, c, std::size_t{1});
        return;
    }
    if (k == 1) {
        detail::outer(m, n, alpha, a, ta ? 1 : lda, b, tb ? ldb : 1, beta, c, ldc);
        return;
    }
    if (std::size_t const nv = detail::narrow_vectors<T>(n)) {
        detail::gemm_narrow_nv<T>(nv, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nullptr);
        return;
    }
    detail::gemm_packed(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

//! Elements of op(B) packed once for all row blocks of a product of these extents when `gemm`
//! runs it on the narrow path (op(B) at most 4 vectors wide, no extent of 1); 0 otherwise.
template <class T>
std::size_t packed_b_size(std::size_t m, std::size_t n, std::size_t k) {
    bool const other_path = m * n * k <= 128 || n == 1 || m == 1 || k == 1;
    std::size_t const nv = detail::narrow_vectors<T>(n);
    return other_path || nv == 0 ? 0 : k * nv * detail::blocking<T>::W;
}

//! Packs op(B) (k x n) whole, into `packed_b_size` elements aligned to a vector (64 bytes), for
//! `gemm_prepacked_b`.
template <class T>
void pack_narrow_b(bool tb, std::size_t n, std::size_t k, T const* b, std::size_t ldb, T* out) {
    constexpr std::size_t W = detail::blocking<T>::W;
    switch (detail::narrow_vectors<T>(n)) {
    case 1: detail::pack_b<W>(tb, b, ldb, k, n, out); break;
    case 2: detail::pack_b<2 * W>(tb, b, ldb, k, n, out); break;
    case 3: detail::pack_b<3 * W>(tb, b, ldb, k, n, out); break;
    default: detail::pack_b<4 * W>(tb, b, ldb, k, n, out); break;
    }
}

//! `gemm` with beta 0 for rows of a product whose op(B) `pack_narrow_b` packed (same n, k): the
//! same arithmetic as `gemm`, bit for bit, without packing op(B) again.
template <class T>
void gemm_prepacked_b(bool ta, std::size_t m, std::size_t n, std::size_t k, T alpha, T const* a, std::size_t lda,
                      T const* packed, T* c, std::size_t ldc) {
    detail::gemm_narrow_nv<T>(detail::narrow_vectors<T>(n), ta, false, m, n, k, alpha, a, lda, nullptr, 0, T(0), c,
                              ldc, packed);
}

//! The portable GEMM's entry points for element type T, as explicit instantiations: `extern` (with
//! TAPELESS_SEPARATE_GEMM, see config.hpp) declares them, empty defines them
//! (`<tapeless/linalg/gemm_instances.hpp>`). One list, so the two cannot drift apart.
#define TAPELESS_PORTABLE_GEMM_INSTANCES(extern_, T)                                                               \
    extern_ template void gemm<T>(bool, bool, std::size_t, std::size_t, std::size_t, T, T const*, std::size_t,   \
                                  T const*, std::size_t, T, T*, std::size_t);                                    \
    extern_ template void pack_narrow_b<T>(bool, std::size_t, std::size_t, T const*, std::size_t, T*);           \
    extern_ template void gemm_prepacked_b<T>(bool, std::size_t, std::size_t, std::size_t, T, T const*,          \
                                              std::size_t, T const*, T*, std::size_t);

#ifdef TAPELESS_SEPARATE_GEMM
TAPELESS_PORTABLE_GEMM_INSTANCES(extern, float)
TAPELESS_PORTABLE_GEMM_INSTANCES(extern, double)
#endif

} // namespace tapeless::backend::portable

#endif
