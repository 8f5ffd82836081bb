// Residual and pre-norm residual networks, the blocks of today's models: every block reads h twice
// (h + f(h)), so the graph is a DAG whose adjoints sum two paths per block. Against the tape (its
// own derivative rules) and central finite differences, in double.
#include "support/gradcheck.hpp"
#include "support/random.hpp"

#include <tapeless/tape/all.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <cstddef>

namespace tl = tapeless;
using tl::test::relative_error;

namespace {

constexpr std::size_t blocks = 4;

// Written once for both vocabularies: tapeless expressions (namespace tl) and tape vars (tl::tape).
template <std::size_t I, class H, class Ws, class Bs>
auto residual(H const& h, Ws const& w, Bs const& b) {
    using namespace tl;
    if constexpr (I == blocks) return h;
    else return residual<I + 1>(h + tanh(lin(h, std::get<I>(w), std::get<I>(b))), w, b);
}
template <class H, class Ws, class Bs>
auto residual_tape(H h, Ws const& w, Bs const& b) {
    namespace tp = tl::tape;
    for (std::size_t i = 0; i < blocks; ++i) h = h + tp::tanh(tp::lin(h, w[i], b[i]));
    return h;
}

// Pre-norm: h + relu(lin(norm(h) ⊙ g + s, w, b))·v.
template <std::size_t I, class H, class P>
auto prenorm(H const& h, P const& p) {
    using namespace tl;
    if constexpr (I == 2) {
        return h;
    } else {
        auto const& [g, s, w, b, v] = std::get<I>(p);
        auto c = h - mean_rows(h);
        auto n = c / sqrt(mean_rows(square(c)) + 1e-5) * g + s;
        return prenorm<I + 1>(h + matmul(relu(lin(n, w, b)), v), p);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(models_residual)

BOOST_AUTO_TEST_CASE(residual_tanh_network_against_the_tape_and_finite_differences) {
    std::size_t const n = 6, d = 5, k = 3;
    auto x = tl::test::rnd(n, d, 1), wo = tl::test::rnd(d, k, 2), bo = tl::test::rnd(1, k, 3);
    tl::Tensor<double> labels(n, 1);
    for (std::size_t i = 0; i < n; ++i) labels(i, 0) = double(i % k);
    std::array<tl::Tensor<double>, blocks> w, b;
    for (std::size_t i = 0; i < blocks; ++i) {
        w[i] = tl::test::rnd(d, d, 10 + i, -0.5, 0.5);
        b[i] = tl::test::rnd(1, d, 20 + i);
    }
    auto W = [&]<std::size_t... I>(std::index_sequence<I...>) {
        return std::tuple{tl::param<tl::indexed_name<"w", I>()>(w[I])...};
    }(std::make_index_sequence<blocks>{});
    auto B = [&]<std::size_t... I>(std::index_sequence<I...>) {
        return std::tuple{tl::param<tl::indexed_name<"b", I>()>(b[I])...};
    }(std::make_index_sequence<blocks>{});
    auto Wo = tl::param<"wo">(wo);
    auto Bo = tl::param<"bo">(bo);
    auto loss = tl::cross_entropy(tl::lin(residual<0>(tl::input<"x">(x), W, B), Wo, Bo), tl::input<"labels">(labels));
    // The object holds each leaf once, whatever the block count.
    static_assert(decltype(loss)::leaf_list::size == 2 * blocks + 4);
    auto step = tl::compile(loss, std::get<0>(W), std::get<2>(B), std::get<3>(W), Wo, Bo);
    step();

    tl::tape::tape<double> t;
    std::array<tl::tape::var<double>, blocks> tw, tb;
    for (std::size_t i = 0; i < blocks; ++i) {
        tw[i] = t.param(w[i]);
        tb[i] = t.param(b[i]);
    }
    auto two = t.param(wo), tbo = t.param(bo);
    auto tloss = tl::tape::cross_entropy(tl::tape::lin(residual_tape(t.input(x), tw, tb), two, tbo),
                                         tl::TensorView<double const>(labels.data(), n, 1));
    t.backward(tloss);
    BOOST_TEST(std::abs(step.value() - tloss.item()) <= 1e-12 * std::max(1.0, std::abs(tloss.item())));
    BOOST_TEST(relative_error(step.grad(std::get<0>(W)), t.grad(tw[0])) < 1e-10);
    BOOST_TEST(relative_error(step.grad(std::get<2>(B)), t.grad(tb[2])) < 1e-10);
    BOOST_TEST(relative_error(step.grad(std::get<3>(W)), t.grad(tw[3])) < 1e-10);
    BOOST_TEST(relative_error(step.grad(Wo), t.grad(two)) < 1e-10);
    BOOST_TEST(relative_error(step.grad(Bo), t.grad(tbo)) < 1e-10);

    auto f = [&] { return tl::eval(loss)(0, 0); };
    BOOST_TEST(relative_error(step.grad(std::get<0>(W)), tl::test::numerical_gradient(f, w[0])) < 1e-6);
    BOOST_TEST(relative_error(step.grad(std::get<2>(B)), tl::test::numerical_gradient(f, b[2])) < 1e-6);
}

BOOST_AUTO_TEST_CASE(pre_norm_residual_blocks_against_finite_differences) {
    std::size_t const n = 5, d = 4, h = 6;
    auto x = tl::test::rnd(n, d, 31), y = tl::test::rnd(n, d, 32);
    std::array<tl::Tensor<double>, 10> t;
    for (std::size_t i = 0; i < 2; ++i) {
        t[5 * i + 0] = tl::test::rnd(1, d, 40 + i, 0.5, 1.5); // gain
        t[5 * i + 1] = tl::test::rnd(1, d, 50 + i);           // shift
        t[5 * i + 2] = tl::test::rnd(d, h, 60 + i);
        t[5 * i + 3] = tl::test::rnd(1, h, 70 + i);
        t[5 * i + 4] = tl::test::rnd(h, d, 80 + i);
    }
    auto p = std::tuple{
        std::tuple{tl::param<"g0">(t[0]), tl::param<"s0">(t[1]), tl::param<"w0">(t[2]), tl::param<"b0">(t[3]),
                   tl::param<"v0">(t[4])},
        std::tuple{tl::param<"g1">(t[5]), tl::param<"s1">(t[6]), tl::param<"w1">(t[7]), tl::param<"b1">(t[8]),
                   tl::param<"v1">(t[9])}};
    auto loss = tl::mse(prenorm<0>(tl::input<"x">(x), p), tl::input<"y">(y));
    auto [v, gg0, gw0, gv1] =
        tl::value_and_grad(loss, std::get<0>(std::get<0>(p)), std::get<2>(std::get<0>(p)), std::get<4>(std::get<1>(p)));
    auto f = [&] { return tl::eval(loss)(0, 0); };
    BOOST_TEST(v == f());
    BOOST_TEST(relative_error(gg0, tl::test::numerical_gradient(f, t[0])) < 1e-6);
    BOOST_TEST(relative_error(gw0, tl::test::numerical_gradient(f, t[2])) < 1e-6);
    BOOST_TEST(relative_error(gv1, tl::test::numerical_gradient(f, t[9])) < 1e-6);
}

BOOST_AUTO_TEST_SUITE_END()
