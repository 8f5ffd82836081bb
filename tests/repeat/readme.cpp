// The README's "Depth at run time: repeat" example, compiled and run: it must train.
#include "support/random.hpp"

#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tl = tapeless;

BOOST_AUTO_TEST_CASE(readme_repeat) {
    std::size_t const n = 32, d = 16, k = 4, L = 6;
    tl::Tensor<float> x(n, d), wo(d, k), y(n, 1);
    std::uint64_t seed = 1;
    tl::test::fill_uniform(x, seed++);
    tl::test::fill_uniform(wo, seed++, -0.3, 0.3);
    for (std::size_t i = 0; i < n; ++i) y(i, 0) = static_cast<float>(i % k);
    auto X = tl::input<"x">(x);
    auto Y = tl::input<"y">(y);
    auto Wo = tl::param<"wo">(wo);
    //! [repeat]
    std::vector<tl::Tensor<float>> w(L, tl::Tensor<float>(d, d)), b(L, tl::Tensor<float>(1, d));
    auto W = tl::params<"w">(w);                 // a stack of parameters; its length is read at each step
    auto B = tl::params<"b">(b);
    auto block = [](auto const& h, auto const& wi, auto const& bi) { return h + tl::tanh(tl::lin(h, wi, bi)); };
    auto loss = tl::cross_entropy(tl::matmul(tl::repeat(block, X, W, B), Wo), Y);
    auto step = tl::compile(loss, Wo, W, B);
    step();
    auto g3 = step.grad(W)[3];                   // layer 3's gradient: a view, like step.grad(Wo)
    //! [repeat]
    BOOST_TEST(g3.rows() == d);
    for (auto& t : w) tl::test::fill_uniform(t, seed++, -0.2, 0.2);
    //! [train]
    tl::optim::sgd<float> sgd({.lr = 0.1f});
    float first = 0;
    for (int epoch = 0; epoch < 50; ++epoch) {
        step();
        if (epoch == 0) first = step.value();
        sgd.step(wo, step.grad(Wo), w, step.grad(W), b, step.grad(B)); // a stack: its vector and gradients
    }
    //! [train]
    step();
    BOOST_TEST(step.value() < 0.5f * first);
}
