// Expression objects hold a leaf table, not their children: their size and the work of building and
// binding them grow with the distinct leaves, not with the tree (h + f(h) stores h's leaves once).
#include "support/check.hpp"
#include "support/random.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <cstddef>
#include <utility>

namespace tl = tapeless;

namespace {
template <std::size_t N>
struct layers {
    std::array<tl::Tensor<double>, N> w, b;
    layers() {
        for (auto& t : w) t = tl::Tensor<double>(3, 3);
        for (auto& t : b) t = tl::Tensor<double>(1, 3);
    }
};

template <std::size_t I, std::size_t N, class H>
auto residual(H const& h, layers<N> const& p) {
    if constexpr (I == N) {
        return h;
    } else {
        auto W = tl::param<tl::indexed_name<"w", I>()>(p.w[I]);
        auto B = tl::param<tl::indexed_name<"b", I>()>(p.b[I]);
        return residual<I + 1>(h + tl::tanh(tl::lin(h, W, B)), p);
    }
}
} // namespace

BOOST_AUTO_TEST_SUITE(graph_storage)

BOOST_AUTO_TEST_CASE(size_grows_with_distinct_leaves_not_with_the_tree) {
    tl::Tensor<double> x(4, 3);
    auto X = tl::input<"x">(x);
    layers<4> p4;
    layers<8> p8;
    auto h4 = residual<0>(X, p4);
    auto h8 = residual<0>(X, p8);
    using L4 = typename decltype(h4)::leaf_list;
    using L8 = typename decltype(h8)::leaf_list;
    static_assert(L4::size == 1 + 2 * 4 && L8::size == 1 + 2 * 8);
    // Each block adds two leaves' entries, whatever the block count: linear, not 2^blocks.
    std::size_t per_leaf = (sizeof(h8) - sizeof(h4)) / (L8::size - L4::size);
    BOOST_TEST(sizeof(h8) <= sizeof(h4) + per_leaf * (L8::size - L4::size));
    BOOST_TEST(sizeof(h8) < 2 * per_leaf * L8::size);
    // The runtime shape is known where the node is built, without walking it.
    BOOST_TEST(tl::built_shape(h8).ok());
    BOOST_TEST((tl::built_shape(h8).value == tl::shape{4, 3}));
}

BOOST_AUTO_TEST_CASE(a_shared_subexpression_keeps_its_leaves_once_and_evaluates_like_the_tree) {
    tl::Tensor<double> x(4, 3), w(3, 3), b(1, 3);
    tl::test::fill_uniform(x, 1);
    tl::test::fill_uniform(w, 2);
    tl::test::fill_uniform(b, 3);
    auto X = tl::input<"x">(x);
    auto W = tl::param<"w">(w);
    auto B = tl::param<"b">(b);
    auto h = X + tl::tanh(tl::lin(X, W, B));
    auto loss = tl::sum(tl::square(h + tl::tanh(tl::lin(h, W, B))));
    static_assert(decltype(loss)::leaf_list::size == 3);
    auto [v, gw, gb] = tl::value_and_grad(loss, W, B);
    auto f = [&] { return tl::eval(loss)(0, 0); };
    BOOST_TEST(tl::test::relative_error(gw, tl::test::numerical_gradient(f, w)) < 1e-7);
    BOOST_TEST(tl::test::relative_error(gb, tl::test::numerical_gradient(f, b)) < 1e-7);
    BOOST_TEST(v == tl::eval(loss)(0, 0));
}

BOOST_AUTO_TEST_CASE(one_name_bound_to_two_tensors_in_one_expression_is_reported_at_compile) {
    tl::Tensor<double> x(4, 3), w1(3, 3), w2(3, 3);
    auto X = tl::input<"x">(x);
    auto loss = tl::sum(tl::matmul(X, tl::param<"w">(w1)) + tl::matmul(X, tl::param<"w">(w2)));
    try {
        (void)tl::compile(loss, tl::param<"w">(w1));
        BOOST_FAIL("no binding_error");
    } catch (tl::binding_error const& e) {
        BOOST_TEST(std::string(e.what()).find("'w'") != std::string::npos);
    }
}

namespace {
// Layer normalisation by hand, its epsilon given as E (a number, or a named scalar).
template <class H, class E>
auto normalised(H const& h, E const& eps) {
    auto c = h - tl::mean_rows(h);
    return c / tl::sqrt(tl::mean_rows(tl::square(c)) + eps);
}
} // namespace

BOOST_AUTO_TEST_CASE(a_named_scalar_keeps_one_identity_so_its_subexpressions_stay_shared) {
    tl::Tensor<double> x(4, 3), w(3, 3);
    tl::test::fill_uniform(x, 1);
    tl::test::fill_uniform(w, 2);
    auto X = tl::input<"x">(x);
    auto W = tl::param<"w">(w);
    auto eps = tl::input<"eps">(1e-5);
    auto named = normalised(tl::matmul(normalised(X, eps), W), eps);
    auto numbered = normalised(tl::matmul(normalised(X, 1e-5), W), 1e-5);
    // The number is renumbered per use: every subexpression holding it is copied where it is
    // reused. The named scalar is one leaf, and the graph one DAG.
    using named_nodes = tl::nodes_t<decltype(named)>;
    using numbered_nodes = tl::nodes_t<decltype(numbered)>;
    static_assert(decltype(named)::leaf_list::size == 3);
    static_assert(named_nodes::size < numbered_nodes::size);
    tl::Tensor<double> a = tl::eval(named), b = tl::eval(numbered);
    BOOST_TEST(tl::test::relative_error(a, b) < 1e-12); // one evaluation order fewer: rounding only
    tl::test::check_gradients(
        [](auto const& p0, auto const& p1) {
            auto e = tl::input<"eps">(1e-5);
            return tl::sum(tl::square(normalised(tl::matmul(normalised(p0, e), p1), e)));
        },
        1e-6, x, w);
}

BOOST_AUTO_TEST_CASE(one_name_bound_to_two_values_is_reported) {
    tl::Tensor<double> x(4, 3), w(3, 3);
    auto X = tl::input<"x">(x);
    auto W = tl::param<"w">(w);
    auto loss = tl::sum(tl::matmul(X * tl::input<"s">(2.0), W) + tl::input<"s">(3.0));
    try {
        (void)tl::compile(loss, W);
        BOOST_FAIL("no binding_error");
    } catch (tl::binding_error const& e) {
        BOOST_TEST(std::string(e.what()) == "tapeless: two different values are bound under the name 's'");
    }
    auto same = tl::sum(tl::matmul(X * tl::input<"s">(2.0), W) + tl::input<"s">(2.0));
    BOOST_CHECK_NO_THROW((void)tl::compile(same, W));
}

BOOST_AUTO_TEST_SUITE_END()
