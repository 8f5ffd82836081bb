// Common subexpressions: equal subexpressions are one node type, listed once, and a shared node is
// evaluated once per element per step, whether recomputed inline or given a buffer.
#include "support/check.hpp"
#include "support/mock_op.hpp"
#include "support/random.hpp"

#include <boost/test/unit_test.hpp>

namespace tl = tapeless;

BOOST_AUTO_TEST_SUITE(graph_cse)

BOOST_AUTO_TEST_CASE(equal_subexpressions_are_one_node) {
    tl::Tensor<double> a(3, 3), b(3, 3);
    auto A = tl::param<"a">(a);
    auto B = tl::param<"b">(b);
    auto h1 = tl::relu(tl::matmul(A, B));
    auto h2 = tl::relu(tl::matmul(A, B)); // built separately, same type
    static_assert(std::is_same_v<decltype(h1), decltype(h2)>);
    using nodes = tl::nodes_t<decltype(tl::sum(h1 * h2 + h1))>;
    // a, b, a·b, relu, ⊙, +, sum: the product and the relu appear once.
    static_assert(nodes::size == 7);
    static_assert(tl::detail::contains_v<decltype(h1), nodes>);
}

BOOST_AUTO_TEST_CASE(shared_forward_node_is_listed_once_in_the_step) {
    tl::Tensor<double> a(3, 3), b(3, 3);
    auto A = tl::param<"a">(a);
    auto B = tl::param<"b">(b);
    auto h = tl::relu(tl::matmul(A, B));
    auto step = tl::compile(tl::sum(h * h), A, B);
    using nodes = tl::detail::nodes_of<decltype(step)::plan>;
    // The backward pass reuses the forward a·b (its relu mask) instead of building its own.
    static_assert(tl::detail::contains_v<decltype(tl::matmul(A, B)), nodes>);
    using plan = decltype(step)::plan;
    static_assert(plan::gemm_count == 3); // a·b forward, two backward: no forward recomputation
}

template <int Cost>
void evaluated_once_per_element() {
    tl::Tensor<double> a(4, 5);
    tl::test::fill_uniform(a, 3);
    auto A = tl::param<"a">(a);
    auto h = tl::test::counted<Cost>(A);
    auto loss = tl::sum(h * h + h * 3.0 + h);
    auto step = tl::compile(loss, A);
    step();
    tl::test::applications = 0;
    step();
    BOOST_TEST(tl::test::applications == long(a.size()));
    // And the result is right: d/da Σ (h² + 4h) = (2h + 4)·2a with h = a².
    auto g = step.grad(A);
    for (std::size_t i = 0; i < a.size(); ++i) {
        double x = a.data()[i];
        BOOST_TEST(g.data()[i] == (2 * x * x + 4) * 2 * x, boost::test_tools::tolerance(1e-12));
    }
}

BOOST_AUTO_TEST_CASE(cheap_shared_node_runs_once_per_element) { evaluated_once_per_element<1>(); }
BOOST_AUTO_TEST_CASE(expensive_shared_node_runs_once_per_element) { evaluated_once_per_element<100>(); }

BOOST_AUTO_TEST_CASE(gradients_check_through_a_user_defined_op) {
    tl::Tensor<double> a(3, 2);
    tl::test::fill_uniform(a, 5);
    tl::test::check_gradients([](auto A) { return tl::mean(tl::test::counted<1>(A) * A); }, 1e-7, a);
}

BOOST_AUTO_TEST_SUITE_END()
