// A compiled step allocates nothing: every global operator new is counted while it runs.
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "support/alloc_counter.hpp"
#include "support/seed.hpp"

#include <boost/test/unit_test.hpp>

namespace tl = tapeless;

BOOST_AUTO_TEST_SUITE(eval_allocations)

BOOST_AUTO_TEST_CASE(step_allocates_nothing_runtime_extents) {
    for (std::size_t n : {8u, 64u, 1000u}) {
        tl::test::seed_net<float> s(n, 784, 50, 1);
        auto step = s.compile();
        step(); // the first call may touch lazily initialised GEMM buffers (thread_local)
        tl::test::count_allocations c;
        for (int i = 0; i < 5; ++i) step();
        BOOST_TEST(c.count() == 0u);
    }
}

BOOST_AUTO_TEST_CASE(step_allocates_nothing_static_extents) {
    tl::Tensor<double, 8, 4> x;
    tl::Tensor<double, 8, 1> y;
    tl::Tensor<double, 4, 3> w1;
    tl::Tensor<double, 1, 3> b1;
    tl::Tensor<double, 3, 1> w2;
    tl::Tensor<double, 1, 1> b2;
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);
    auto step = tl::compile(tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(x), W1, B1)), W2, B2), tl::input<"y">(y)),
                            W1, B1, W2, B2);
    step();
    tl::test::count_allocations c;
    for (int i = 0; i < 5; ++i) step();
    BOOST_TEST(c.count() == 0u);
}

BOOST_AUTO_TEST_CASE(the_counter_counts) { // so the zero above cannot be a broken counter
    tl::test::count_allocations c;
    void* p = ::operator new(16); // a call, not a new-expression: compilers may not elide it
    ::operator delete(p);
    tl::Tensor<float> t(3, 3);
    BOOST_TEST(c.count() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
