// What the planner makes of the seed network: the kernels and what each fuses, read off the
// plan's type, so that a change that splits a fused pass fails here.
#include "support/seed.hpp"

#include <tapeless/io/plan_dump.hpp>

#include <boost/test/unit_test.hpp>

namespace tl = tapeless;

BOOST_AUTO_TEST_SUITE(eval_plan)

BOOST_AUTO_TEST_CASE(seed_step_is_five_gemms_and_four_fused_loops) {
    tl::test::seed_net<float> s(8, 4, 3, 1);
    auto step = s.compile();
    using plan = decltype(step)::plan;
    BOOST_TEST_MESSAGE(tl::describe(step));
    // Forward x·w1 and h·w2; backward d·w2ᵀ, xᵀ·d and hᵀ·d. Transposes are flags, not kernels.
    BOOST_TEST(plan::gemm_count == 5u);
    BOOST_TEST(plan::kernel_count == 9u);
    // Bias add and relu in one pass; residual, squared-error sum, output adjoint and b2's column
    // sum in one pass; the relu mask, the adjoint of x·w1 and b1's column sum in one pass.
    BOOST_TEST(tl::describe(step) == "gemm  x·w1\n"
                                     "loop  over u2:\n"
                                     "        -> u2\n"
                                     "gemm  u2·w2\n"
                                     "loop  over u4:\n"
                                     "        -> Σ(u4)\n"
                                     "        -> u5\n"
                                     "        -> ∂loss/∂b2 = Σᵢ(u5)\n"
                                     "loop  over (1/N)Σ(u4):\n"
                                     "        -> loss = (1/N)Σ(u4)\n"
                                     "gemm  u5·w2ᵀ\n"
                                     "loop  over u1:\n"
                                     "        -> u6\n"
                                     "        -> ∂loss/∂b1 = Σᵢ(u6)\n"
                                     "gemm  ∂loss/∂w1 = xᵀ·u6\n"
                                     "gemm  ∂loss/∂w2 = u2ᵀ·u5\n"
                                     "where u1 = x·w1 + b1\n"
                                     "      u2 = relu(u1)\n"
                                     "      u3 = u2·w2 + b2 - y\n"
                                     "      u4 = u3²\n"
                                     "      u5 = (2/N)u3\n"
                                     "      u6 = u5·w2ᵀ ⊙ 𝟙[u1 > 0]\n"
                                     "      N = size(u4)\n");
}

BOOST_AUTO_TEST_CASE(transposes_become_gemm_flags) {
    tl::test::seed_net<double> s(5, 4, 3, 2);
    using plan = decltype(s.compile())::plan;
    constexpr auto const& a = plan::a;
    std::size_t transposed = 0;
    for (std::size_t g = 0; g < a.ngroups; ++g)
        if (a.groups[g].gemm) transposed += a.ta[a.groups[g].node] + a.tb[a.groups[g].node];
    BOOST_TEST(transposed == 3u); // d·w2ᵀ, xᵀ·d, hᵀ·d
}

BOOST_AUTO_TEST_CASE(workspace_is_no_larger_than_hand_written_buffers) {
    // Hand-written backprop keeps z1, h1, out, d_out, d_h1, d_z1 and four gradients.
    std::size_t n = 1000, d = 784, h = 50, o = 1;
    tl::test::seed_net<float> s(n, d, h, o);
    auto step = s.compile();
    std::size_t hand = 4 * n * h + 2 * n * o + d * h + h + h * o + o;
    BOOST_TEST_MESSAGE("workspace " << step.workspace_size() << " elements, hand-written " << hand);
    BOOST_TEST(step.workspace_size() <= hand + 64 * 16); // slack: each buffer is padded to a cache line
}

BOOST_AUTO_TEST_SUITE_END()
