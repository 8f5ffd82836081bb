// End to end: Adam recovers w*, b* of y = x·w* + b* from the compiled step's gradients.
#include <tapeless/optim/optim.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <random>

namespace tl = tapeless;

BOOST_AUTO_TEST_SUITE(optim_linear_regression)

BOOST_AUTO_TEST_CASE(adam_recovers_weights) {
    constexpr std::size_t n = 128, d = 3;
    float const w_star[d] = {0.5f, -1.5f, 2.0f};
    float const b_star = 0.7f;

    // Noise-free synthetic data, so the least-squares optimum is exactly (w*, b*).
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    tl::Tensor<float> x(n, d), y(n, 1);
    for (std::size_t i = 0; i < n; ++i) {
        y(i, 0) = b_star;
        for (std::size_t j = 0; j < d; ++j) {
            x(i, j) = u(rng);
            y(i, 0) += x(i, j) * w_star[j];
        }
    }

    tl::Tensor<float, d, 1> w;  // starts at zero
    tl::Tensor<float, 1, 1> b;
    auto W = tl::param<"w">(w);
    auto B = tl::param<"b">(b);
    auto loss = tl::mse(tl::lin(tl::input<"x">(x), W, B), tl::input<"y">(y));
    auto step = tl::compile(loss, W, B);

    tl::optim::adam<float> opt({.lr = 0.05f});
    step();
    float const initial = step.value();
    for (int k = 0; k < 3000; ++k) {
        step();
        opt.step(w, step.grad(W), b, step.grad(B));
    }
    step();
    BOOST_TEST_MESSAGE("loss " << initial << " -> " << step.value());
    BOOST_TEST(step.value() < 1e-6f * initial);
    for (std::size_t j = 0; j < d; ++j) BOOST_TEST(std::abs(w(j, 0) - w_star[j]) < 1e-3f);
    BOOST_TEST(std::abs(b(0, 0) - b_star) < 1e-3f);
}

BOOST_AUTO_TEST_SUITE_END()
