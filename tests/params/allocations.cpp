// A step over a parameter set allocates nothing once the optimizer's state exists.
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "../support/alloc_counter.hpp"
#include "../support/seed.hpp"

#include <tapeless/params.hpp>

#include <boost/test/unit_test.hpp>

namespace tl = tapeless;

BOOST_AUTO_TEST_CASE(params_adam_step_allocates_nothing) {
    tl::test::seed_net<float> n(32, 12, 7, 1);
    auto params = tl::parameters(n.W1(), n.B1(), n.W2(), n.B2());
    auto step = tl::compile(n.loss(), params);
    tl::optim::adam<float> opt;
    step(tl::serial);
    opt.step(params, step); // allocates the moments
    tl::test::count_allocations counter;
    for (int i = 0; i < 5; ++i) {
        step(tl::serial);
        opt.step(params, step);
    }
    BOOST_TEST(counter.count() == 0u);
}
