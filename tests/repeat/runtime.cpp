// tl::repeat at run time: the stacks followed like tensors (new length, new storage), the same
// bits on every executor, no allocation per step, value_and_grad, and the errors users meet.
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "support/alloc_counter.hpp"
#include "support/message.hpp"
#include "support/random.hpp"

#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <vector>

namespace tl = tapeless;

namespace {

auto const residual = [](auto const& h, auto const& w, auto const& b) { return h + tl::tanh(tl::lin(h, w, b)); };

template <class T>
struct stacks {
    std::vector<tl::Tensor<T>> w, b;
    tl::Tensor<T> x, wo, y;
    stacks(std::size_t n, std::size_t d, std::size_t layers) : x(n, d), wo(d, 3), y(n, 3) {
        tl::test::rng g(7);
        for (std::size_t i = 0; i < layers; ++i) {
            w.emplace_back(d, d);
            b.emplace_back(1, d);
            tl::test::fill_uniform(w.back(), g, -0.3, 0.3);
            tl::test::fill_uniform(b.back(), g);
        }
        tl::test::fill_uniform(x, g);
        tl::test::fill_uniform(wo, g);
        tl::test::fill_uniform(y, g);
    }
};

template <class A, class B>
bool same_bits(A const& a, B const& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() && std::memcmp(a.data(), b.data(), a.size() * sizeof(*a.data())) == 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(repeat_runtime)

// Sizes where the block's kernels are cut into blocks: one thread and two give the same bits.
BOOST_AUTO_TEST_CASE(every_executor_the_same_bits) {
    stacks<float> s(512, 64, 4);
    auto W = tl::params<"w">(s.w);
    auto B = tl::params<"b">(s.b);
    auto Wo = tl::param<"wo">(s.wo);
    auto step = tl::compile(tl::mse(tl::matmul(tl::repeat(residual, tl::input<"x">(s.x), W, B), Wo), tl::input<"y">(s.y)),
                            Wo, W, B);
    step(tl::serial);
    float const one = step.value();
    std::vector<tl::Tensor<float>> gw;
    for (std::size_t l = 0; l < 4; ++l) gw.push_back(tl::detail::to_tensor(step.grad(W)[l]));
    step(tl::threads(2));
    float const two = step.value();
    BOOST_TEST(std::memcmp(&one, &two, sizeof one) == 0);
    for (std::size_t l = 0; l < 4; ++l) BOOST_TEST(same_bits(step.grad(W)[l], gw[l]));
    // The block's plan at these sizes cuts its kernels into blocks: shown on one block unrolled,
    // whose plan is the same.
    auto one_block = tl::compile(tl::sum(residual(tl::input<"x">(s.x), tl::param<"w">(s.w[0]), tl::param<"b">(s.b[0]))));
    bool split = false;
    for (auto const& p : one_block.partitions()) split = split || p.blocks > 1;
    BOOST_TEST(split);
}

// A step allocates nothing once planned, with the layers' plans bound and run per layer.
BOOST_AUTO_TEST_CASE(no_allocation_per_step) {
    stacks<double> s(16, 8, 5);
    auto W = tl::params<"w">(s.w);
    auto B = tl::params<"b">(s.b);
    auto Wo = tl::param<"wo">(s.wo);
    auto step = tl::compile(tl::mse(tl::matmul(tl::repeat(residual, tl::input<"x">(s.x), W, B), Wo), tl::input<"y">(s.y)),
                            Wo, W, B);
    step();
    double const before = step.value();
    s.w[2].data()[0] += 0.5; // new values, same storage: no new plan
    tl::test::count_allocations c;
    step();
    BOOST_TEST(c.count() == 0u);
    BOOST_TEST(step.value() != before);
}

// New length, new storage for one layer, new batch: each planned again before the step runs.
BOOST_AUTO_TEST_CASE(stacks_are_followed) {
    stacks<double> s(6, 4, 2);
    auto W = tl::params<"w">(s.w);
    auto B = tl::params<"b">(s.b);
    auto Wo = tl::param<"wo">(s.wo);
    auto X = tl::input<"x">(s.x);
    auto loss = tl::mse(tl::matmul(tl::repeat(residual, X, W, B), Wo), tl::input<"y">(s.y));
    auto step = tl::compile(loss, W, B);
    auto value = [&] { return std::get<0>(tl::value_and_grad(loss, W, B)); };
    step();
    BOOST_TEST(step.value() == value());
    s.w.push_back(s.w[0]);
    s.b.push_back(s.b[1]);
    step();
    BOOST_TEST(step.grad(W).size() == 3u);
    BOOST_TEST(step.value() == value());
    s.w[1] = tl::Tensor<double>(4, 4); // new storage, zeros
    step();
    BOOST_TEST(step.value() == value());
    for (std::size_t i = 0; i < 16; ++i) BOOST_TEST(step.grad(W)[1].data()[i] != 0.0);
    s.x = tl::Tensor<double>(3, 4);
    s.y = tl::Tensor<double>(3, 3);
    step();
    BOOST_TEST(step.value() == value());
}

// value_and_grad returns a stack's gradient as one tensor per layer.
BOOST_AUTO_TEST_CASE(value_and_grad_of_a_stack) {
    stacks<double> s(5, 3, 3);
    auto W = tl::params<"w">(s.w);
    auto B = tl::params<"b">(s.b);
    auto loss = tl::sum(tl::repeat(residual, tl::input<"x">(s.x), W, B));
    auto [value, gw, gb] = tl::value_and_grad(loss, W, B);
    auto step = tl::compile(loss, W, B);
    step();
    BOOST_TEST(value == step.value());
    BOOST_TEST(gw.size() == 3u);
    BOOST_TEST(gb.size() == 3u);
    BOOST_TEST(same_bits(gw[2], step.grad(W)[2]));
    BOOST_TEST(same_bits(gb[0], step.grad(B)[0]));
}

// Layers may differ in extents where the block allows it: a bottleneck of its own width per layer.
BOOST_AUTO_TEST_CASE(layers_of_different_widths) {
    std::size_t const n = 4, d = 3, widths[] = {2, 5, 1};
    tl::test::rng g(3);
    tl::Tensor<double> x(n, d);
    tl::test::fill_uniform(x, g);
    std::vector<tl::Tensor<double>> a, c;
    for (std::size_t k : widths) {
        a.emplace_back(d, k);
        c.emplace_back(k, d);
        tl::test::fill_uniform(a.back(), g);
        tl::test::fill_uniform(c.back(), g);
    }
    auto bottleneck = [](auto const& h, auto const& ai, auto const& ci) { return h + tl::matmul(tl::tanh(tl::matmul(h, ai)), ci); };
    auto A = tl::params<"a">(a);
    auto C = tl::params<"c">(c);
    auto X = tl::input<"x">(x);
    auto step = tl::compile(tl::sum(tl::square(tl::repeat(bottleneck, X, A, C))), A, C);
    step();
    auto A0 = tl::param<"a0">(a[0]);
    auto A1 = tl::param<"a1">(a[1]);
    auto A2 = tl::param<"a2">(a[2]);
    auto C0 = tl::param<"c0">(c[0]);
    auto C1 = tl::param<"c1">(c[1]);
    auto C2 = tl::param<"c2">(c[2]);
    auto u = tl::compile(tl::sum(tl::square(bottleneck(bottleneck(bottleneck(X, A0, C0), A1, C1), A2, C2))), A1, C2);
    u();
    BOOST_TEST(std::abs(step.value() - u.value()) <= 1e-12 * std::abs(u.value()));
    BOOST_TEST(step.grad(A)[1].cols() == 5u);
    for (std::size_t i = 0; i < 15; ++i) BOOST_TEST(std::abs(step.grad(A)[1].data()[i] - u.grad(A1).data()[i]) <= 1e-12);
    for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(std::abs(step.grad(C)[2].data()[i] - u.grad(C2).data()[i]) <= 1e-12);
}

// explain shows the two repeat kernels with their layer count and the block's step once, its
// phase-local buffers in the region the layers share.
BOOST_AUTO_TEST_CASE(explain_shows_the_block_once) {
    stacks<float> s(8, 4, 3);
    auto W = tl::params<"w">(s.w);
    auto B = tl::params<"b">(s.b);
    auto step = tl::compile(tl::sum(tl::repeat(residual, tl::input<"x">(s.x), W, B)), W, B);
    step();
    std::string const text = tl::explain(step);
    BOOST_TEST_MESSAGE(text);
    BOOST_TEST(text.find("repeat x3") != std::string::npos);
    BOOST_TEST(text.find("repeat back x3") != std::string::npos);
    BOOST_TEST(text.find("repeat 1: 3 layers, each the block's step") != std::string::npos);
    BOOST_TEST(text.find("h' = seed(h + u1, h')") != std::string::npos);
    BOOST_TEST(text.find("shared 0") != std::string::npos);
    BOOST_TEST(text.find("∂loss/∂w = hᵀ·u2") != std::string::npos);
}

// Formulas print the block once, as a function of h, with the stacks' length.
BOOST_AUTO_TEST_CASE(formulas_show_the_block_once) {
    stacks<float> s(8, 4, 3);
    auto loss = tl::sum(tl::repeat(residual, tl::input<"x">(s.x), tl::params<"w">(s.w), tl::params<"b">(s.b)));
    BOOST_TEST(tl::to_string(loss) == "Σ(repeat(h ↦ h + tanh(h·w + b), x; 3 layers))");
    BOOST_TEST(tl::to_latex(loss) ==
               "\\sum(\\operatorname{repeat}(h \\mapsto h + \\tanh(h \\cdot w + b), x;\\ 3\\ \\text{layers}))");
}

// An optimizer steps a stack as one pair (the vector and step.grad(W)): the same updates as layer
// by layer, and Adam's state per layer, with no allocation once bound.
BOOST_AUTO_TEST_CASE(optimizers_step_a_stack) {
    stacks<double> s(6, 4, 3), t(6, 4, 3);
    auto make = [](stacks<double>& m) {
        auto Wo = tl::param<"wo">(m.wo);
        auto W = tl::params<"w">(m.w);
        auto B = tl::params<"b">(m.b);
        return tl::compile(tl::mse(tl::matmul(tl::repeat(residual, tl::input<"x">(m.x), W, B), Wo), tl::input<"y">(m.y)),
                           Wo, W, B);
    };
    auto a = make(s);
    auto c = make(t);
    auto W = tl::params<"w">(s.w);
    auto B = tl::params<"b">(s.b);
    auto Wt = tl::params<"w">(t.w);
    auto Bt = tl::params<"b">(t.b);
    tl::optim::sgd<double> whole({.lr = 0.1}), by_layer({.lr = 0.1});
    for (int k = 0; k < 5; ++k) {
        a();
        c();
        whole.step(s.w, a.grad(W), s.b, a.grad(B));
        for (std::size_t l = 0; l < 3; ++l) by_layer.step(t.w[l], c.grad(Wt)[l], t.b[l], c.grad(Bt)[l]);
    }
    for (std::size_t l = 0; l < 3; ++l) BOOST_TEST(same_bits(s.w[l].view(), t.w[l].view()));
    tl::optim::adam<double> adam({.lr = 0.01});
    a();
    double const first = a.value();
    for (int k = 0; k < 30; ++k) {
        a();
        adam.step(s.w, a.grad(W), s.b, a.grad(B));
    }
    tl::test::count_allocations count;
    a();
    adam.step(s.w, a.grad(W), s.b, a.grad(B));
    BOOST_TEST(count.count() == 0u);
    BOOST_TEST(a.value() < first);
    std::vector<tl::Tensor<double>> short_stack(2, tl::Tensor<double>(4, 4));
    BOOST_CHECK_EXCEPTION(whole.step(short_stack, a.grad(W)), tl::shape_error, [](tl::shape_error const& e) {
        return tl::test::message_is(e, "tapeless: optim: a stack of 2 tensors paired with 3 gradients");
    });
}

BOOST_AUTO_TEST_CASE(errors_name_the_layer) {
    stacks<double> s(5, 3, 3);
    auto W = tl::params<"w">(s.w);
    auto B = tl::params<"b">(s.b);
    auto loss = tl::sum(tl::repeat(residual, tl::input<"x">(s.x), W, B));
    auto step = tl::compile(loss, W, B);
    s.b.pop_back();
    BOOST_CHECK_EXCEPTION(step(), tl::shape_error, [](tl::shape_error const& e) {
        return tl::test::message_is(e, "tapeless: repeat: the stacks differ in length: 'w' has 3, 'b' has 2");
    });
    s.b.push_back(tl::Tensor<double>(1, 3));
    s.w[1] = tl::Tensor<double>(3, 2);
    BOOST_CHECK_EXCEPTION(step(), tl::shape_error, [](tl::shape_error const& e) {
        return tl::test::message_is(e, "tapeless: repeat: layer 1: lin(x, w, b): x 'h' is 5x3, w 'w' is 3x2, b 'b' "
                                       "is 1x3: b does not broadcast to x·w's shape");
    });
    s.w[1] = tl::Tensor<double>(3, 3);
    step(); // fixed: runs again
    BOOST_TEST(step.grad(W).size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
