// explain: the seed's plan at N = 64 as pinned text; FLOPs of its products are 2·m·n·k; the
// workspace it reports is the one the step allocated, and its buffers fit in it without two live
// ones overlapping.
#include "support/seed.hpp"

#include <tapeless/io/explain.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>

namespace tl = tapeless;

namespace {
// The seed at N = 64 (784-50-1, float): what explain printed when the planner made 9 kernels.
char const* const seed_explained = R"txt(9 kernels (5 gemm, 4 loop), float (4 bytes)
kernel  kind           m x n (x k)       FLOPs  bytes read  bytes written  computes
     1  gemm C = A·B     64x50x784     5017600      357504          12800  -> x·w1
     2  loop                 64x50        6400       13000          12800  -> u2
                                                                           .. u1
     3  gemm C = A·B       64x1x50        6400       13000            256  -> u2·w2
     4  loop                  64x1         448         516            264  -> Σ(u4)
                                                                           -> u5
                                                                           -> ∂loss/∂b2 = Σᵢ(u5)
                                                                           .. u2·w2 + b2
                                                                           .. u3
                                                                           .. u4
                                                                           .. u5
     5  loop                   1x1           1           4              4  -> loss = (1/N)Σ(u4)
     6  gemm C = A·Bᵀ      64x50x1        6400         456          12800  -> u5·w2ᵀ
     7  loop                 64x50       16000       25800          13000  -> u6
                                                                           -> ∂loss/∂b1 = Σᵢ(u6)
                                                                           .. u1
                                                                           .. 𝟙[u1 > 0]
                                                                           .. u6
     8  gemm C = Aᵀ·B    784x50x64     5017600      213504         156800  -> xᵀ·u6
     9  gemm C = Aᵀ·B      50x1x64        6400       13056            200  -> u2ᵀ·u5
 total                                10077249      636840         208924
(FLOPs: gemm 2·m·n·k, loops 1 per op per element; bytes: each buffer once per kernel)

buffers (offset in elements; kernels: first written .. last read, 0 = at bind)
       shape       bytes    offset     kernels  value
       64x50       12800         0      1 .. 7  x·w1
       64x50       12800      3200      2 .. 9  u2
        64x1         256      6400      3 .. 4  u2·w2
         1x1           4      6464      4 .. 5  Σ(u4)
         1x1           4      6400    5 .. end  loss = (1/N)Σ(u4)
        64x1         256      6480      4 .. 9  u5
       64x50       12800      6544      6 .. 7  u5·w2ᵀ
       64x50       12800      9744      7 .. 8  u6
      784x50      156800     12944    8 .. end  xᵀ·u6
      784x50           -     12944    8 .. end  ∂loss/∂w1 = xᵀ·u6  (shares the buffer of xᵀ·u6)
        1x50         200      6416    7 .. end  ∂loss/∂b1 = Σᵢ(u6)
        50x1         200         0    9 .. end  u2ᵀ·u5
        50x1           -         0    9 .. end  ∂loss/∂w2 = u2ᵀ·u5  (shares the buffer of u2ᵀ·u5)
         1x1           4     52144    4 .. end  ∂loss/∂b2 = Σᵢ(u5)
workspace: 208640 bytes (52160 elements); the buffers alone: 208924 bytes
where u1 = x·w1 + b1
      u2 = relu(u1)
      u3 = u2·w2 + b2 - y
      u4 = u3²
      u5 = (2/N)u3
      u6 = u5·w2ᵀ ⊙ 𝟙[u1 > 0]
      N = size(u4)
)txt";

std::size_t count(std::string const& text, std::string const& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}
} // namespace

BOOST_AUTO_TEST_SUITE(io_explain)

BOOST_AUTO_TEST_CASE(seed_at_64_is_pinned) {
    tl::test::seed_net<float> s(64, 784, 50, 1);
    auto step = s.compile();
    std::string text = tl::explain(step);
    BOOST_TEST_MESSAGE(text);
    BOOST_TEST(text == seed_explained);
}

BOOST_AUTO_TEST_CASE(one_row_per_kernel) {
    tl::test::seed_net<float> s(64, 784, 50, 1);
    auto step = s.compile();
    using plan = decltype(step)::plan;
    std::string text = tl::explain(step);
    BOOST_TEST(count(text, "  gemm C = ") == plan::gemm_count);
    BOOST_TEST(count(text, "  loop   ") == plan::kernel_count - plan::gemm_count);
    BOOST_TEST(tl::detail::kernel_costs(step).size() == plan::kernel_count);
}

BOOST_AUTO_TEST_CASE(gemm_flops_are_2mnk) {
    std::size_t const n = 64, d = 784, h = 50, o = 1;
    tl::test::seed_net<float> s(n, d, h, o);
    auto step = s.compile();
    auto costs = tl::detail::kernel_costs(step);
    std::uint64_t want[] = {2 * n * h * d, 2 * n * o * h, 2 * n * h * o, 2 * d * h * n, 2 * h * o * n};
    std::size_t g = 0;
    for (auto const& k : costs) {
        if (!k.gemm) continue;
        BOOST_TEST(k.flops == 2 * std::uint64_t(k.m) * k.n * k.k);
        BOOST_TEST(k.flops == want[g++]);
    }
    BOOST_TEST(g == 5u);
    // x·w1 reads x and w1 and writes N x H floats.
    BOOST_TEST(costs[0].read == (n * d + d * h) * sizeof(float));
    BOOST_TEST(costs[0].written == n * h * sizeof(float));
}

BOOST_AUTO_TEST_CASE(workspace_is_what_the_step_allocated) {
    for (std::size_t n : {64u, 5u, 1000u}) {
        tl::test::seed_net<double> s(n, 784, 50, 1);
        auto step = s.compile();
        using plan = decltype(step)::plan;
        std::string text = tl::explain(step);
        std::uint64_t bytes = step.workspace_size() * sizeof(double);
        BOOST_TEST(count(text, "workspace: " + std::to_string(bytes) + " bytes (") == 1u, n);
        BOOST_TEST(count(text, "double (8 bytes)") == 1u);
        // Every buffer lies inside the allocation, and two buffers live in a common kernel never share
        // an element: the offsets are where the step really put them.
        auto shapes = step.shapes();
        std::size_t end = 0;
        for (std::size_t i = 0; i < plan::size; ++i) {
            if (!plan::wanted[i]) continue;
            std::size_t oi = step.workspace_offset(i), si = shapes[i].size();
            BOOST_TEST(oi != tl::detail::npos);
            end = std::max(end, oi + si);
            for (std::size_t j = 0; j < i; ++j) {
                if (!plan::wanted[j] || plan::last_use[j] < plan::first_write[i] ||
                    plan::last_use[i] < plan::first_write[j])
                    continue;
                std::size_t oj = step.workspace_offset(j), sj = shapes[j].size();
                BOOST_TEST((oi + si <= oj || oj + sj <= oi), i << " and " << j);
            }
        }
        BOOST_TEST(end <= step.workspace_size());
        BOOST_TEST(end + 64 / sizeof(double) > step.workspace_size()); // padding to a line at most
        // Aliases report their owner's place.
        for (std::size_t i = 0; i < plan::size; ++i)
            if (plan::alias_of[i] != tl::detail::npos)
                BOOST_TEST(step.workspace_offset(i) == step.workspace_offset(plan::alias_of[i]));
    }
}

BOOST_AUTO_TEST_CASE(follows_a_rebind) {
    tl::test::seed_net<float> s(64, 784, 50, 1);
    auto step = s.compile();
    // A smaller last minibatch: the next call binds again, and explain shows the new extents.
    s.x = tl::Tensor<float>(10, 784);
    s.y = tl::Tensor<float>(10, 1);
    step();
    std::string text = tl::explain(step);
    BOOST_TEST(count(text, "gemm C = A·B     10x50x784") == 1u);
    BOOST_TEST(count(text, "workspace: " + std::to_string(step.workspace_size() * sizeof(float)) + " bytes") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
