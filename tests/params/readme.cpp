// The README's "Parameter sets (Boost.Hana)" example, compiled and run: it must train.
#include "../support/random.hpp"

#include <tapeless/tapeless.hpp> // parameter sets included: the README program needs no other header

#include <boost/hana/for_each.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace tl = tapeless;

BOOST_AUTO_TEST_CASE(readme_parameter_sets) {
    tl::Tensor<float> x(64, 784), y(64, 1), w1(784, 50), b1(1, 50), w2(50, 1), b2(1, 1);
    std::uint64_t seed = 1;
    for (auto* t : {&x, &y, &w1, &b1, &w2, &b2}) tl::test::fill_uniform(*t, seed++);
    auto X = tl::input<"x">(x);
    auto Y = tl::input<"y">(y);
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);
    std::vector<float> losses;
    //! [params]
    namespace hana = boost::hana;
    auto params = tl::parameters(W1, B1, W2, B2);        // a boost::hana::tuple of the leaves
    auto loss = tl::mse(tl::mlp(X, hana::make_tuple(hana::make_pair(W1, B1), hana::make_pair(W2, B2))), Y);

    auto step = tl::compile(loss, params);               // compile(loss, W1, B1, W2, B2)
    tl::optim::adam<float> adam({.lr = 1e-3f});
    for (int i = 0; i < 20; ++i) {
        step();
        adam.step(params, step);                         // w1, b1, w2, b2 updated in place
        losses.push_back(step.value());
    }
    auto gw1 = step.grad<"w1">();                        // step.grad(W1), found by name
    hana::for_each(params, [&](auto const& leaf) {       // any Hana algorithm applies
        std::string_view name = leaf.name.view();
        /* save, print or clip the tensor named `name` */
        BOOST_TEST(!name.empty());
    });
    //! [params]
    BOOST_TEST(gw1.rows() == 784u);
    BOOST_TEST(losses.back() < losses.front());
}
