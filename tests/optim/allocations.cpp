// A steady-state optimizer step allocates nothing: every global operator new is counted.
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "support/alloc_counter.hpp"

#include <tapeless/optim/optim.hpp>

#include <boost/test/unit_test.hpp>

#include <utility>

namespace tl = tapeless;

namespace {

// Parameters of several static and runtime shapes, as in a small network.
struct model {
    tl::Tensor<float, 784, 50> w1;
    tl::Tensor<float, 1, 50> b1;
    tl::Tensor<float> w2{50, 10};
    tl::Tensor<float> b2{1, 10};
    tl::Tensor<float, 784, 50> gw1{};
    tl::Tensor<float, 1, 50> gb1{};
    tl::Tensor<float> gw2{50, 10, 0.5f};
    tl::Tensor<float> gb2{1, 10, -0.5f};

    template <class Opt>
    void step(Opt& opt) {
        auto const& c = *this;
        opt.step(w1, c.gw1.view(), b1, c.gb1.view(), w2, c.gw2.view(), b2.view(), c.gb2.view());
    }
};

// Returns the allocations of the first step and of the next ten.
template <class Opt>
std::pair<std::uint64_t, std::uint64_t> count(Opt opt) {
    model m;
    tl::test::count_allocations first;
    m.step(opt);
    auto n_first = first.count();
    tl::test::count_allocations later;
    for (int k = 0; k < 10; ++k) m.step(opt);
    return {n_first, later.count()};
}

} // namespace

BOOST_AUTO_TEST_SUITE(optim_allocations)

BOOST_AUTO_TEST_CASE(sgd_never_allocates) {
    auto [first, later] = count(tl::optim::sgd<float>({.lr = 0.1f}));
    BOOST_TEST(first == 0u);
    BOOST_TEST(later == 0u);
}

// State is allocated by the first step only: one block of buffers and one table of slots.
BOOST_AUTO_TEST_CASE(momentum_allocates_at_first_step_only) {
    auto [first, later] = count(tl::optim::momentum<float>({.lr = 0.1f, .nesterov = true}));
    BOOST_TEST(first == 2u);
    BOOST_TEST(later == 0u);
}

BOOST_AUTO_TEST_CASE(adam_allocates_at_first_step_only) {
    auto [first, later] = count(tl::optim::adam<float>({.lr = 1e-3f, .weight_decay = 1e-2f}));
    BOOST_TEST(first == 2u);
    BOOST_TEST(later == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
