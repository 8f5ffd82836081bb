// Parameter sets: training through `parameters` and `opt.step(params, step)` gives the bits of the
// variadic calls; gradients by name are gradients by leaf; Hana layer lists build the same mlp.
#include "../support/seed.hpp"

#include <tapeless/params.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/hana/pair.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace tl = tapeless;
namespace hana = boost::hana;

namespace {

using types = boost::mpl::list<float, double>;

template <class T>
bool same_bits(tl::Tensor<T> const& a, tl::Tensor<T> const& b) {
    return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

// 20 steps of `Opt` on the seed, once with (tensor, gradient) pairs, once with a parameter set.
template <class T, class Opt>
void check_bitwise(typename Opt::options_type o) {
    tl::test::seed_net<T> a(32, 12, 7, 1), b(32, 12, 7, 1);
    auto step_a = a.compile();
    Opt opt_a(o);
    for (int i = 0; i < 20; ++i) {
        step_a(tl::serial);
        opt_a.step(a.w1, step_a.grad(a.W1()), a.b1, step_a.grad(a.B1()), a.w2, step_a.grad(a.W2()), a.b2,
                   step_a.grad(a.B2()));
    }
    //! [train]
    auto params = tl::parameters(b.W1(), b.B1(), b.W2(), b.B2());
    auto step = tl::compile(b.loss(), params);
    Opt opt(o);
    for (int i = 0; i < 20; ++i) {
        step(tl::serial);
        opt.step(params, step); // every leaf's tensor, updated in place from its gradient
    }
    //! [train]
    BOOST_TEST(same_bits(a.w1, b.w1));
    BOOST_TEST(same_bits(a.b1, b.b1));
    BOOST_TEST(same_bits(a.w2, b.w2));
    BOOST_TEST(same_bits(a.b2, b.b2));
    BOOST_TEST(!same_bits(a.w1, tl::test::seed_net<T>(32, 12, 7, 1).w1)); // it did train
}

} // namespace

BOOST_AUTO_TEST_SUITE(params)

BOOST_AUTO_TEST_CASE(a_parameter_set_is_a_hana_tuple_of_the_leaves) {
    tl::test::seed_net<float> n(4, 3, 2, 1);
    auto params = tl::parameters(n.W1(), n.B1());
    static_assert(std::is_same_v<decltype(params), hana::tuple<decltype(n.W1()), decltype(n.B1())>>);
    BOOST_TEST(hana::at_c<0>(params).data == n.w1.data());
    BOOST_TEST(hana::at_c<1>(params).data == n.b1.data());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(adam_over_a_set_is_bitwise_the_variadic_step, T, types) {
    check_bitwise<T, tl::optim::adam<T>>({.lr = T(1e-2)});
}
BOOST_AUTO_TEST_CASE_TEMPLATE(sgd_over_a_set_is_bitwise_the_variadic_step, T, types) {
    check_bitwise<T, tl::optim::sgd<T>>({.lr = T(0.05), .weight_decay = T(0.01)});
}
BOOST_AUTO_TEST_CASE_TEMPLATE(momentum_over_a_set_is_bitwise_the_variadic_step, T, types) {
    check_bitwise<T, tl::optim::momentum<T>>({.lr = T(0.05)});
}

BOOST_AUTO_TEST_CASE(clipping_over_a_set_is_the_variadic_clipping) {
    tl::test::seed_net<double> a(32, 12, 7, 1), b(32, 12, 7, 1);
    auto step_a = a.compile();
    auto params = tl::parameters(b.W1(), b.B1(), b.W2(), b.B2());
    auto step = tl::compile(b.loss(), params);
    tl::optim::adam<double> opt_a({.lr = 1e-2}), opt({.lr = 1e-2});
    for (int i = 0; i < 5; ++i) {
        step_a(tl::serial);
        step(tl::serial);
        double norm_a = tl::optim::clip_grad_norm(opt_a, 1e-3, a.w1, step_a.grad(a.W1()), a.b1, step_a.grad(a.B1()),
                                                  a.w2, step_a.grad(a.W2()), a.b2, step_a.grad(a.B2()));
        double norm = tl::optim::clip_grad_norm(opt, 1e-3, params, step);
        BOOST_TEST(norm == norm_a);
        BOOST_TEST(norm > 1e-3); // the clipping is active
    }
    BOOST_TEST(same_bits(a.w1, b.w1));
    BOOST_TEST(same_bits(a.b1, b.b1));
    BOOST_TEST(same_bits(a.w2, b.w2));
    BOOST_TEST(same_bits(a.b2, b.b2));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(grad_by_name_is_grad_by_leaf, T, types) {
    tl::test::seed_net<T> n(16, 5, 4, 2);
    auto params = tl::parameters(n.W1(), n.B1(), n.W2(), n.B2());
    auto step = tl::compile(n.loss(), params);
    step();
    //! [grad]
    auto gw1 = step.template grad<"w1">(); // the same view as step.grad(W1)
    //! [grad]
    BOOST_TEST(gw1.data() == step.grad(n.W1()).data());
    BOOST_TEST(step.template grad<"b1">().data() == step.grad(n.B1()).data());
    BOOST_TEST(step.template grad<"w2">().data() == step.grad(n.W2()).data());
    BOOST_TEST(step.template grad<"b2">().data() == step.grad(n.B2()).data());
    BOOST_TEST(gw1.rows() == 5u);
    BOOST_TEST(gw1.cols() == 4u);
}

BOOST_AUTO_TEST_CASE(value_and_grad_over_a_set) {
    tl::test::seed_net<double> n(16, 5, 4, 2);
    auto [v, g1, g2, g3, g4] = tl::value_and_grad(n.loss(), tl::parameters(n.W1(), n.B1(), n.W2(), n.B2()));
    auto [u, h1, h2, h3, h4] = tl::value_and_grad(n.loss(), n.W1(), n.B1(), n.W2(), n.B2());
    BOOST_TEST(v == u);
    BOOST_TEST(same_bits(g1, h1));
    BOOST_TEST(same_bits(g4, h4));
}

BOOST_AUTO_TEST_CASE(mlp_over_a_hana_layer_list_is_the_std_tuple_mlp) {
    tl::test::seed_net<double> n(16, 5, 4, 2);
    //! [mlp]
    auto net = tl::mlp(n.X(), hana::make_tuple(hana::make_pair(n.W1(), n.B1()), hana::make_pair(n.W2(), n.B2())));
    //! [mlp]
    auto ref = tl::mlp(n.X(), std::make_tuple(std::pair{n.W1(), n.B1()}, std::pair{n.W2(), n.B2()}));
    static_assert(std::is_same_v<decltype(net), decltype(ref)>);
    BOOST_TEST(same_bits(tl::eval(net), tl::eval(ref)));
}

BOOST_AUTO_TEST_CASE(a_moved_from_tensor_is_refused_before_anything_changes) {
    tl::test::seed_net<float> n(8, 3, 2, 1);
    auto params = tl::parameters(n.W1(), n.B1(), n.W2(), n.B2());
    auto step = tl::compile(n.loss(), params);
    step();
    tl::Tensor<float> w1_before = n.w1;
    tl::Tensor<float> stolen = std::move(n.b2);
    tl::optim::sgd<float> opt({.lr = 0.1f});
    std::string what;
    try {
        opt.step(params, step);
    } catch (tl::binding_error const& e) {
        what = e.what();
    }
    BOOST_TEST(what == "tapeless: sgd: parameter 'b2': its tensor was moved from");
    BOOST_TEST(same_bits(n.w1, w1_before));
}

BOOST_AUTO_TEST_CASE(a_leaf_made_from_a_view_is_refused) {
    tl::Tensor<float> x(4, 2, 1.0f), w(2, 1, 0.5f);
    auto W = tl::param<"w">(w.view());
    auto params = tl::parameters(W);
    auto step = tl::compile(tl::sum(tl::matmul(tl::input<"x">(x), W)), params);
    step();
    tl::optim::sgd<float> opt;
    std::string what;
    try {
        opt.step(params, step);
    } catch (tl::binding_error const& e) {
        what = e.what();
    }
    BOOST_TEST(what == "tapeless: sgd: parameter 'w' views storage, not a Tensor: pass (tensor, step.grad(leaf)) pairs instead");
    BOOST_TEST(w(0, 0) == 0.5f);
}

BOOST_AUTO_TEST_SUITE_END()
