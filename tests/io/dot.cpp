// to_dot: the seed's forward graph node for node and edge for edge, the backward graph in its own
// cluster with every gradient marked, a step's plan one cluster per kernel; every graph made here
// is rendered by Graphviz (support/graphviz.hpp).
#include "support/graphviz.hpp"
#include "support/seed.hpp"

#include <tapeless/io/dot.hpp>
#include <tapeless/io/plan_dot.hpp>

#include <boost/test/unit_test.hpp>

#include <regex>
#include <string>

namespace tl = tapeless;

namespace {
std::size_t count(std::string const& text, std::string const& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}
std::size_t count_matches(std::string const& text, std::string const& pattern) {
    std::regex re(pattern);
    return static_cast<std::size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), {}));
}
// Node statements ("n12 [label=...") and edges of a DOT graph.
std::size_t nodes(std::string const& dot) { return count_matches(dot, R"((^|\n) +n\d+ \[label=)"); }
std::size_t edges(std::string const& dot) { return count(dot, " -> "); }

// The edges a graph of these nodes must have: one per argument.
template <class... Ns>
constexpr std::size_t arguments(tl::detail::type_list<Ns...>) {
    return (std::size_t{0} + ... + [] {
        if constexpr (tl::is_node_v<Ns>) return Ns::arity;
        else return std::size_t{0};
    }());
}
} // namespace

BOOST_AUTO_TEST_SUITE(io_dot)

BOOST_AUTO_TEST_CASE(seed_forward_graph) {
    tl::test::seed_net<float> s(64, 784, 50, 1);
    std::string dot = tl::to_dot(s.loss());
    BOOST_TEST_MESSAGE(dot);
    // x w1 b1 w2 b2 y; x·w1, +b1, relu, ·w2, +b2, −y, square, sum, inv_size, ⊙: square is read by
    // sum and by inv_size, yet one node.
    BOOST_TEST(nodes(dot) == 16u);
    BOOST_TEST(nodes(dot) == tl::nodes_t<decltype(s.loss())>::size);
    BOOST_TEST(edges(dot) == 16u);
    BOOST_TEST(count(dot, "label=\"square\"") == 1u);
    BOOST_TEST(count(dot, "n12 [label=\"square\"") == 1u);
    BOOST_TEST(count(dot, "n12 -> ") == 2u); // read by sum and by inv_size
    BOOST_TEST(count(dot, "shape=box, style=filled") == 4u);           // parameters
    BOOST_TEST(count(dot, "fillcolor=\"#eeeeee\"") == 2u);             // inputs
    BOOST_TEST(count(dot, "n0 [label=\"x\"") == 1u);
    BOOST_TEST(count(dot, "n1 [label=\"w1\"") == 1u);
    BOOST_TEST(count(dot, "[style=dashed]") == 1u); // inv_size reads its argument's shape only
    BOOST_TEST(count(dot, "label=\"·\"") == 2u);
    BOOST_TEST(count(dot, "cluster") == 0u);
    BOOST_TEST(count(dot, "peripheries=2") == 1u);
    tl::test::render_dot(dot, "seed forward graph");
}

BOOST_AUTO_TEST_CASE(seed_backward_graph) {
    tl::test::seed_net<float> s(64, 784, 50, 1);
    auto loss = s.loss();
    std::string dot = tl::to_dot(loss, s.W1(), s.B1(), s.W2(), s.B2());
    BOOST_TEST_MESSAGE(dot);
    using L = decltype(loss);
    using all = tl::nodes_t<L, tl::gradient_t<L, decltype(s.W1())>, tl::gradient_t<L, decltype(s.B1())>,
                            tl::gradient_t<L, decltype(s.W2())>, tl::gradient_t<L, decltype(s.B2())>>;
    BOOST_TEST(nodes(dot) == all::size);
    BOOST_TEST(edges(dot) == arguments(all{}));
    BOOST_TEST(count(dot, "subgraph cluster_forward") == 1u);
    BOOST_TEST(count(dot, "subgraph cluster_backward") == 1u);
    // Backward nodes: everything after the backward cluster opens and before it closes.
    auto open = dot.find("subgraph cluster_backward"), close = dot.find("\n  }\n", open);
    BOOST_TEST(nodes(dot.substr(open, close - open)) == all::size - tl::nodes_t<L>::size);
    for (char const* w : {"w1", "b1", "w2", "b2"})
        BOOST_TEST(count(dot, std::string("∂loss/∂") + w + "\\n") == 1u, w);
    BOOST_TEST(count(dot, "label=\"loss\\n⊙\"") == 1u);
    BOOST_TEST(count(dot, "peripheries=2") == 5u);
    tl::test::render_dot(dot, "seed backward graph");
}

BOOST_AUTO_TEST_CASE(labels_are_escaped) {
    tl::Tensor<float> t(2, 2), u(2, 2);
    auto q = tl::param<"a\"b\\c<d>">(t);
    auto k = tl::input<"k">(u);
    auto loss = tl::sum(tl::square(q - 2.0f * k));
    std::string dot = tl::to_dot(loss, q);
    BOOST_TEST_MESSAGE(dot);
    BOOST_TEST(count(dot, R"(label="a\"b\\c<d>")") == 1u);
    BOOST_TEST(count(dot, R"(∂loss/∂a\"b\\c<d>)") == 1u);
    BOOST_TEST(count(dot, "label=\"s0\"") == 1u); // the runtime scalar 2
    tl::test::render_dot(dot, "escaped labels");
    tl::test::render_dot(tl::to_dot(k), "a lone leaf");
}

BOOST_AUTO_TEST_CASE(seed_plan) {
    tl::test::seed_net<float> s(64, 784, 50, 1);
    auto step = s.compile();
    using plan = decltype(step)::plan;
    std::string dot = tl::to_dot(step);
    BOOST_TEST_MESSAGE(dot);
    BOOST_TEST(count(dot, "subgraph cluster_k") == plan::kernel_count);
    for (std::size_t k = 1; k <= plan::kernel_count; ++k)
        BOOST_TEST(count(dot, "label=\"kernel " + std::to_string(k) + ": ") == 1u, k);
    BOOST_TEST(count(dot, ": gemm ") == plan::gemm_count);
    BOOST_TEST(count(dot, "kernel 1: gemm C = A·B (64x50x784)") == 1u);
    BOOST_TEST(count(dot, "kernel 2: loop over 64x50\\n") == 1u);
    BOOST_TEST(count(dot, "kernel 6: gemm C = A·Bᵀ (64x50x1)") == 1u);
    BOOST_TEST(count(dot, "kernel 8: gemm C = Aᵀ·B (784x50x64)") == 1u);
    // The first product's buffer, at the bound extents; leaves with theirs.
    BOOST_TEST(count(dot, "x·w1\\n64x50, 12800 B @ 0\"") == 1u);
    BOOST_TEST(count(dot, "x\\ninput 64x784") == 1u);
    BOOST_TEST(count(dot, "w1\\nparam 784x50") == 1u);
    // u1 = x·w1 + b1 is recomputed in the relu loop and in the backward loop, stored by neither.
    BOOST_TEST(count(dot, "[label=\"u1 = x·w1 + b1\\ninline\"") == 2u);
    // ∂loss/∂w1 and ∂loss/∂w2 are their products' buffers.
    BOOST_TEST(count(dot, "shares the buffer of") == 2u);
    for (char const* out : {"loss", "∂loss/∂w1", "∂loss/∂b1", "∂loss/∂w2", "∂loss/∂b2"})
        BOOST_TEST(count(dot, std::string("[label=\"") + out + "\\n") == 1u, out);
    BOOST_TEST(count(dot, "workspace " + std::to_string(step.workspace_size() * sizeof(float)) + " bytes") == 1u);
    tl::test::render_dot(dot, "seed plan");
}

BOOST_AUTO_TEST_CASE(plan_of_an_expression_without_gradients) {
    tl::Tensor<double> x(3, 4), w(4, 2);
    auto step = tl::compile(tl::relu(tl::matmul(tl::input<"x">(x), tl::param<"w">(w))) + 1.0);
    std::string dot = tl::to_dot(step);
    BOOST_TEST_MESSAGE(dot);
    BOOST_TEST(count(dot, "[label=\"result\\n") == 1u);
    BOOST_TEST(count(dot, "subgraph cluster_k") == decltype(step)::plan::kernel_count);
    tl::test::render_dot(dot, "plan without gradients");
}

BOOST_AUTO_TEST_SUITE_END()
