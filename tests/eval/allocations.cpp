// A compiled step allocates nothing and frees nothing: every global operator new and delete is
// counted while it runs, for several losses, batch sizes and both element types. Each counted step
// must also be right (loss and gradients against the tape, computed outside the counted region),
// and the warm-up step runs on other parameter values, so a step that did nothing cannot pass.
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "support/alloc_counter.hpp"
#include "support/gradcheck.hpp"
#include "support/random.hpp"
#include "support/seed.hpp"

#include <tapeless/tape/all.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace tl = tapeless;
namespace tp = tapeless::tape;

namespace {

// n examples of d features, a hidden layer of h, o outputs (or classes); y holds targets in [0, 1)
// (class indices for the classifier).
template <class T>
struct net {
    using value_type = T;
    static constexpr std::size_t d = 20, h = 16, o = 5;
    tl::Tensor<T> x, y, w1, b1, w2, b2;
    explicit net(std::size_t n, bool labels = false) : x(n, d), y(n, labels ? 1 : o), w1(d, h), b1(1, h), w2(h, o), b2(1, o) {
        tl::test::fill_uniform(x, 1);
        tl::test::fill_uniform(y, 2, 0, 1);
        if (labels)
            for (std::size_t i = 0; i < n; ++i) y(i, 0) = static_cast<T>(std::min<std::size_t>(o - 1, std::size_t(y(i, 0) * o)));
        tl::test::fill_uniform(w1, 3, -0.5, 0.5);
        tl::test::fill_uniform(b1, 4);
        tl::test::fill_uniform(w2, 5, -0.5, 0.5);
        tl::test::fill_uniform(b2, 6);
    }
    auto X() const { return tl::input<"x">(x); }
    auto Y() const { return tl::input<"y">(y); }
    auto params() const {
        return std::tuple{tl::param<"w1">(w1), tl::param<"b1">(b1), tl::param<"w2">(w2), tl::param<"b2">(b2)};
    }
    std::vector<tl::Tensor<T>*> param_tensors() { return {&w1, &b1, &w2, &b2}; }
    std::vector<tp::var<T>> tape_params(tp::tape<T>& t) const { return {t.param(w1), t.param(b1), t.param(w2), t.param(b2)}; }
};

// The seed: mse(lin(relu(lin(x, w1, b1)), w2, b2), y).
template <class T>
struct mse_model : net<T> {
    using net<T>::net;
    static constexpr char const* name = "mse seed net";
    auto loss() const {
        auto [W1, B1, W2, B2] = this->params();
        return tl::mse(tl::lin(tl::relu(tl::lin(this->X(), W1, B1)), W2, B2), this->Y());
    }
    tp::var<T> tape(tp::tape<T>& t, std::vector<tp::var<T>> const& p) const {
        return tp::mse(tp::lin(tp::relu(tp::lin(t.input(this->x), p[0], p[1])), p[2], p[3]), t.input(this->y));
    }
};
// A classifier: cross_entropy with class labels.
template <class T>
struct classifier_model : net<T> {
    explicit classifier_model(std::size_t n) : net<T>(n, true) {}
    static constexpr char const* name = "cross_entropy classifier";
    auto loss() const {
        auto [W1, B1, W2, B2] = this->params();
        return tl::cross_entropy(tl::lin(tl::relu(tl::lin(this->X(), W1, B1)), W2, B2), this->Y());
    }
    tp::var<T> tape(tp::tape<T>& t, std::vector<tp::var<T>> const& p) const {
        return tp::cross_entropy(tp::lin(tp::relu(tp::lin(t.input(this->x), p[0], p[1])), p[2], p[3]),
                                 tl::TensorView<T const>(this->y));
    }
};
// Binary cross-entropy on logits, targets in [0, 1).
template <class T>
struct bce_model : net<T> {
    using net<T>::net;
    static constexpr char const* name = "binary_cross_entropy_with_logits";
    auto loss() const {
        auto [W1, B1, W2, B2] = this->params();
        return tl::binary_cross_entropy_with_logits(tl::lin(tl::tanh(tl::lin(this->X(), W1, B1)), W2, B2), this->Y());
    }
    tp::var<T> tape(tp::tape<T>& t, std::vector<tp::var<T>> const& p) const {
        return tp::binary_cross_entropy_with_logits(tp::lin(tp::tanh(tp::lin(t.input(this->x), p[0], p[1])), p[2], p[3]),
                                                    t.input(this->y));
    }
};
// A tanh net with an L2 penalty on both weights.
template <class T>
struct l2_tanh_model : net<T> {
    using net<T>::net;
    static constexpr char const* name = "l2-regularised tanh net";
    auto loss() const {
        auto [W1, B1, W2, B2] = this->params();
        return tl::mse(tl::lin(tl::tanh(tl::lin(this->X(), W1, B1)), W2, B2), this->Y()) + 1e-3 * (tl::l2(W1) + tl::l2(W2));
    }
    tp::var<T> tape(tp::tape<T>& t, std::vector<tp::var<T>> const& p) const {
        return tp::mse(tp::lin(tp::tanh(tp::lin(t.input(this->x), p[0], p[1])), p[2], p[3]), t.input(this->y)) +
               1e-3 * (tp::l2(p[0]) + tp::l2(p[2]));
    }
};
// A layer-normalised hidden layer (as tests/models/layernorm.cpp), with a runtime epsilon.
template <class T>
struct layernorm_model : net<T> {
    using net<T>::net;
    static constexpr char const* name = "layer-normalised net";
    auto loss() const {
        auto [W1, B1, W2, B2] = this->params();
        auto h = tl::lin(this->X(), W1, B1);
        auto c = h - tl::mean_rows(h);
        auto n = c / tl::sqrt(tl::mean_rows(tl::square(c)) + 1e-3);
        return tl::mse(tl::lin(tl::tanh(n), W2, B2), this->Y());
    }
    tp::var<T> tape(tp::tape<T>& t, std::vector<tp::var<T>> const& p) const {
        auto h = tp::lin(t.input(this->x), p[0], p[1]);
        auto c = h - tp::mean_rows(h);
        auto n = c / tp::sqrt(tp::mean_rows(tp::square(c)) + 1e-3);
        return tp::mse(tp::lin(tp::tanh(n), p[2], p[3]), t.input(this->y));
    }
};

template <class Model>
void check_step(std::size_t n) {
    using T = typename Model::value_type;
    BOOST_TEST_CONTEXT(Model::name << " in " << (std::is_same_v<T, float> ? "float" : "double") << ", n = " << n) {
        Model m(n);
        auto params = m.params();
        auto step = std::apply([&](auto const&... p) { return tl::compile(m.loss(), p...); }, params);

        // Warm up on other parameter values (the first call may touch lazily made buffers), then
        // put the real ones back in place: the counted steps must recompute everything.
        std::vector<tl::Tensor<T>> saved;
        for (auto* p : m.param_tensors()) {
            saved.push_back(*p);
            for (std::size_t k = 0; k < p->size(); ++k) p->data()[k] = p->data()[k] * T(1.5) + T(0.25);
        }
        step();
        auto const warm_loss = step.value();
        for (std::size_t i = 0; i < saved.size(); ++i) {
            auto* p = m.param_tensors()[i];
            std::copy_n(saved[i].data(), p->size(), p->data());
        }

        tl::test::count_allocations c;
        for (int i = 0; i < 3; ++i) step();
        auto const allocations = c.count(), frees = c.frees();
        BOOST_TEST(allocations == 0u);
        BOOST_TEST(frees == 0u);

        // The oracle, outside the counted region: the tape on the same tensors.
        tp::tape<T> t;
        auto vars = m.tape_params(t);
        auto loss = m.tape(t, vars);
        t.backward(loss);
        double const tol = std::is_same_v<T, float> ? 1e-4 : 1e-11;
        BOOST_TEST(step.value() != warm_loss);
        BOOST_TEST(std::abs(double(step.value()) - double(loss.item())) <= tol * std::max(1.0, std::abs(double(loss.item()))));
        auto gradient = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
            BOOST_TEST_CONTEXT("gradient of parameter " << I) {
                BOOST_TEST(tl::test::relative_error(step.grad(std::get<I>(params)), t.grad(vars[I])) <= tol);
            }
        };
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (gradient(std::integral_constant<std::size_t, I>{}), ...);
        }(std::make_index_sequence<std::tuple_size_v<decltype(params)>>{});
    }
}

template <template <class> class Model>
void check_model() {
    for (std::size_t n : {1u, 7u, 64u, 1000u}) {
        check_step<Model<float>>(n);
        check_step<Model<double>>(n);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(eval_allocations)

BOOST_AUTO_TEST_CASE(step_allocates_nothing_runtime_extents) {
    for (std::size_t n : {8u, 64u, 1000u}) {
        tl::test::seed_net<float> s(n, 784, 50, 1);
        auto step = s.compile();
        step(); // the first call may touch lazily initialised GEMM buffers (thread_local)
        tl::test::count_allocations c;
        for (int i = 0; i < 5; ++i) step();
        BOOST_TEST(c.count() == 0u);
        BOOST_TEST(c.frees() == 0u);
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
    BOOST_TEST(c.frees() == 0u);
}

// Each: N in {1, 7, 64, 1000}, float and double; nothing allocated or freed, and the right answer.
BOOST_AUTO_TEST_CASE(mse_seed_net) { check_model<mse_model>(); }
BOOST_AUTO_TEST_CASE(cross_entropy_classifier) { check_model<classifier_model>(); }
BOOST_AUTO_TEST_CASE(binary_cross_entropy_with_logits) { check_model<bce_model>(); }
BOOST_AUTO_TEST_CASE(l2_regularised_tanh_net) { check_model<l2_tanh_model>(); }
BOOST_AUTO_TEST_CASE(layer_normalised_net) { check_model<layernorm_model>(); }

BOOST_AUTO_TEST_CASE(the_counter_counts) { // so the zeros above cannot be a broken counter
    tl::test::count_allocations c;
    void* p = ::operator new(16); // a call, not a new-expression: compilers may not elide it
    ::operator delete(p);
    tl::Tensor<float> t(3, 3);
    BOOST_TEST(c.count() == 2u);
    BOOST_TEST(c.frees() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
