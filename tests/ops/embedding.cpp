// embedding: values and the table's gradient against PyTorch's (F.embedding, float64,
// tests/support/torch), finite differences, the tape, repeated and unused ids, bad ids (a
// value_error naming the leaf and the row, thrown before anything is written), bad extents, and the
// same bits on any thread count.
#include "support/check.hpp"
#include "support/executors.hpp"
#include "support/gradcheck.hpp"
#include "support/random.hpp"
#include "support/torch/tensor.hpp"
#include "support/torch/embedding.hpp"

#include <tapeless/tape/all.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace tl = tapeless;
using tl::test::relative_error;

using tl::test::reference_tensor;
using tl::test::uniform_tensor;

namespace {

template <class T = double>
tl::Tensor<T> ids_of(std::vector<double> const& v) {
    tl::Tensor<T> t(v.size(), 1);
    for (std::size_t i = 0; i < v.size(); ++i) t.data()[i] = static_cast<T>(v[i]);
    return t;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ops_embedding)

BOOST_AUTO_TEST_CASE(equals_pytorch) {
    for (auto const& c : tl::test::torch_ref::embedding::cases) {
        auto table = reference_tensor(c.v, c.d, c.table), ids = reference_tensor(c.n, 1, c.ids), r = reference_tensor(c.n, c.d, c.r);
        auto T = tl::param<"table">(table);
        auto I = tl::input<"ids">(ids);
        BOOST_TEST_CONTEXT(c.v << " x " << c.d << " table, " << c.n << " ids") {
            BOOST_TEST(relative_error(tl::eval(tl::embedding(T, I)), reference_tensor(c.n, c.d, c.y)) == 0.0);
            auto [v, g] = tl::value_and_grad(tl::sum(tl::input<"r">(r) * tl::embedding(T, I)), T);
            (void)v;
            BOOST_TEST(relative_error(g, reference_tensor(c.v, c.d, c.gtable)) < 1e-14);

            tl::tape::tape<double> t;
            auto tt = t.param(table);
            auto ty = tl::tape::embedding(tt, ids);
            BOOST_TEST(relative_error(ty.value(), reference_tensor(c.n, c.d, c.y)) == 0.0);
            t.backward(tl::tape::sum(ty * t.input(r)));
            BOOST_TEST(relative_error(t.grad(tt), reference_tensor(c.v, c.d, c.gtable)) < 1e-14);
        }
    }
}

// Through a layer norm and a product, with ids repeated and a row of the table never used (its
// gradient is exactly 0).
BOOST_AUTO_TEST_CASE(gradients_against_finite_differences) {
    auto ids = ids_of({2, 0, 2, 3, 2, 0, 3});
    auto table = uniform_tensor(5, 6, 1), g = uniform_tensor(1, 6, 2), b = uniform_tensor(1, 6, 3), w = uniform_tensor(6, 2, 4);
    auto I = tl::input<"ids">(ids);
    tl::test::check_gradients(
        [&](auto const& Tb, auto const& G, auto const& B, auto const& W) {
            return tl::mean(tl::tanh(tl::matmul(tl::layer_norm(tl::embedding(Tb, I), G, B), W)));
        },
        1e-7, table, g, b, w);
    auto [v, gt] = tl::value_and_grad(tl::sum(tl::square(tl::embedding(tl::param<"t">(table), I))), tl::param<"t">(table));
    (void)v;
    for (std::size_t j = 0; j < 6; ++j) {
        BOOST_TEST(gt(1, j) == 0.0);
        BOOST_TEST(gt(4, j) == 0.0);
        BOOST_TEST(gt(2, j) == 2 * 3 * table(2, j)); // three uses of row 2: d/dt Σ t² per use
    }
}

// The compiled step against the tape, float and double, an embedding feeding a classifier.
BOOST_AUTO_TEST_CASE(equals_the_tape) {
    auto run = [](auto zero) {
        using T = decltype(zero);
        tl::Tensor<T> table(11, 8), w(8, 4), labels(6, 1);
        tl::test::fill_uniform(table, 31);
        tl::test::fill_uniform(w, 32);
        auto ids = ids_of<T>({10, 0, 5, 5, 3, 10});
        for (std::size_t i = 0; i < 6; ++i) labels(i, 0) = T(i % 4);
        auto Tb = tl::param<"table">(table);
        auto W = tl::param<"w">(w);
        auto step = tl::compile(tl::cross_entropy(tl::matmul(tl::tanh(tl::embedding(Tb, tl::input<"ids">(ids))), W),
                                                  tl::input<"labels">(labels)),
                                Tb, W);
        step();
        tl::tape::tape<T> t;
        auto tt = t.param(table), tw = t.param(w);
        auto loss = tl::tape::cross_entropy(tl::tape::matmul(tl::tape::tanh(tl::tape::embedding(tt, ids)), tw), labels);
        t.backward(loss);
        double const tol = sizeof(T) == 4 ? 1e-5 : 1e-14;
        BOOST_TEST(std::abs(double(step.value()) - double(loss.value()(0, 0))) <= tol);
        BOOST_TEST(relative_error(step.grad(Tb), t.grad(tt)) < tol);
        BOOST_TEST(relative_error(step.grad(W), t.grad(tw)) < tol);
    };
    run(0.0);
    run(0.0f);
}

// An id outside the table, negative, fractional or NaN: value_error naming the leaf, the row and
// the value, before the step writes anything (the gradient keeps its bits).
BOOST_AUTO_TEST_CASE(bad_ids) {
    auto table = uniform_tensor(4, 3, 41);
    auto ids = ids_of({0, 1, 3});
    auto Tb = tl::param<"table">(table);
    auto step = tl::compile(tl::sum(tl::square(tl::embedding(Tb, tl::input<"tokens">(ids)))), Tb);
    step();
    auto const before = tl::test::copy_of<double>(step.grad(Tb));
    for (double bad : {4.0, -1.0, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
        ids(2, 0) = bad;
        BOOST_TEST_CONTEXT("id " << bad) {
            BOOST_CHECK_EXCEPTION(step(), tl::value_error, [&](tl::value_error const& e) {
                std::string const want = "tapeless: embedding indices 'tokens': row 2 holds ";
                return std::string(e.what()).rfind(want, 0) == 0 &&
                       std::string(e.what()).find("not a row of the table (0..3)") != std::string::npos;
            });
            BOOST_TEST(tl::test::same_bits(before, step.grad(Tb)));
        }
    }
    tl::tape::tape<double> t;
    ids(2, 0) = 4;
    BOOST_CHECK_THROW((void)tl::tape::embedding(t.param(table), ids), tl::value_error);
}

// Ids of two columns are a shape_error naming the call.
BOOST_AUTO_TEST_CASE(bad_extents) {
    auto table = uniform_tensor(4, 3, 51);
    tl::Tensor<double> ids(3, 2, 0.0);
    BOOST_CHECK_EXCEPTION((void)tl::embedding(tl::param<"table">(table), tl::input<"ids">(ids)), tl::shape_error,
                          [](tl::shape_error const& e) {
                              return std::string(e.what()) == "tapeless: embedding(table, ids): table 'table' is 4x3, "
                                                              "ids 'ids' is 3x2: ids must be one column (one row index per row)";
                          });
}

// Large enough that both kernels are cut into blocks: every thread count gives the serial bits.
BOOST_AUTO_TEST_CASE(same_bits_on_any_thread_count) {
    std::size_t const n = 8192, v = 4096, d = 48;
    auto table = uniform_tensor(v, d, 61), y = uniform_tensor(n, d, 62);
    tl::Tensor<double> ids(n, 1);
    tl::test::rng gen(63);
    for (std::size_t i = 0; i < n; ++i) ids(i, 0) = double(gen() % v);
    auto Tb = tl::param<"table">(table);
    auto step = tl::compile(tl::mse(tl::tanh(tl::embedding(Tb, tl::input<"ids">(ids))), tl::input<"y">(y)), Tb);
    BOOST_TEST(tl::test::check_every_executor(step, Tb) >= 2u);
}

BOOST_AUTO_TEST_SUITE_END()
