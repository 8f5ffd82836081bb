// The seed network on Eigen matrices equals, bit for bit, the same network on tl::Tensor: the
// leaves view the same values, so the same kernels run on the same data. Steps follow updates and
// resizes of the matrices as they follow tensors'.
#include <tapeless/eigen.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace tl = tapeless;

namespace {

// Deterministic values in [-1, 1), written identically into both kinds of storage.
void fill(float* p, std::size_t n, std::uint32_t seed) {
    std::uint32_t s = seed * 2654435761u + 1u;
    for (std::size_t i = 0; i < n; ++i) {
        s = s * 1664525u + 1013904223u;
        p[i] = static_cast<float>(s >> 8) / static_cast<float>(1u << 23) - 1.0f;
    }
}
template <class A>
void fill(A& a, std::uint32_t seed) {
    fill(a.data(), static_cast<std::size_t>(a.size()), seed);
}

// One plain loop for both sides, so the updates round alike.
void sgd(float* w, float const* g, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) w[i] -= 0.05f * g[i];
}

template <class A, class B>
bool same_bits(A const& a, B const& b) {
    if (static_cast<std::size_t>(a.rows()) != static_cast<std::size_t>(b.rows()) ||
        static_cast<std::size_t>(a.cols()) != static_cast<std::size_t>(b.cols()))
        return false;
    for (std::size_t i = 0; i < static_cast<std::size_t>(a.rows() * a.cols()); ++i)
        if (a.data()[i] != b.data()[i]) return false;
    return true;
}

using RowMajorXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The seed network, its step, and a training step that updates the weights from the gradients.
template <class X, class Y, class W1, class B1, class W2, class B2>
struct seed {
    X x;
    Y y;
    W1 w1;
    B1 b1;
    W2 w2;
    B2 b2;

    auto compile() {
        auto W1_ = tl::param<"w1">(w1);
        auto B1_ = tl::param<"b1">(b1);
        auto W2_ = tl::param<"w2">(w2);
        auto B2_ = tl::param<"b2">(b2);
        auto loss = tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(x), W1_, B1_)), W2_, B2_), tl::input<"y">(y));
        return std::tuple{tl::compile(loss, W1_, B1_, W2_, B2_), W1_, B1_, W2_, B2_};
    }
};

template <class S>
void fill_all(S& s) {
    fill(s.x, 1);
    fill(s.y, 2);
    fill(s.w1, 3);
    fill(s.b1, 4);
    fill(s.w2, 5);
    fill(s.b2, 6);
}

// Runs both steps, compares loss and every gradient bit for bit, then updates both the same way.
template <class SE, class StepE, class ST, class StepT>
void step_and_compare(SE& se, StepE& e, ST& st, StepT& t) {
    auto& [step_e, W1e, B1e, W2e, B2e] = e;
    auto& [step_t, W1t, B1t, W2t, B2t] = t;
    step_e();
    step_t();
    BOOST_TEST(step_e.value() == step_t.value());
    BOOST_TEST(same_bits(tl::as_eigen(step_e.grad(W1e)), step_t.grad(W1t)));
    BOOST_TEST(same_bits(tl::as_eigen(step_e.grad(B1e)), step_t.grad(B1t)));
    BOOST_TEST(same_bits(tl::as_eigen(step_e.grad(W2e)), step_t.grad(W2t)));
    BOOST_TEST(same_bits(tl::as_eigen(step_e.grad(B2e)), step_t.grad(B2t)));
    auto update = [](auto& w, auto const& g) { sgd(w.data(), g.data(), static_cast<std::size_t>(w.size())); };
    update(se.w1, tl::as_eigen(step_e.grad(W1e)));
    update(se.b1, tl::as_eigen(step_e.grad(B1e)));
    update(se.w2, tl::as_eigen(step_e.grad(W2e)));
    update(se.b2, tl::as_eigen(step_e.grad(B2e)));
    update(st.w1, step_t.grad(W1t));
    update(st.b1, step_t.grad(B1t));
    update(st.w2, step_t.grad(W2t));
    update(st.b2, step_t.grad(B2t));
}

} // namespace

BOOST_AUTO_TEST_SUITE(eigen_seed)

BOOST_AUTO_TEST_CASE(dynamic_matrices_match_tensors_across_steps_and_resizes) {
    std::size_t const N = 32, D = 12, H = 7;
    seed<RowMajorXf, RowMajorXf, RowMajorXf, RowMajorXf, RowMajorXf, RowMajorXf> se{
        RowMajorXf(N, D), RowMajorXf(N, 1), RowMajorXf(D, H), RowMajorXf(1, H), RowMajorXf(H, 1), RowMajorXf(1, 1)};
    using T = tl::Tensor<float>;
    seed<T, T, T, T, T, T> st{T(N, D), T(N, 1), T(D, H), T(1, H), T(H, 1), T(1, 1)};
    fill_all(se);
    fill_all(st);
    auto e = se.compile();
    auto t = st.compile();
    BOOST_TEST(std::get<1>(e).data == se.w1.data()); // a view, not a copy
    for (int i = 0; i < 3; ++i) step_and_compare(se, e, st, t);
    // A smaller minibatch: new storage and extents, followed before the next step.
    for (std::size_t n : {std::size_t{9}, std::size_t{1}, std::size_t{40}}) {
        se.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(D));
        se.y.resize(static_cast<Eigen::Index>(n), 1);
        st.x = T(n, D);
        st.y = T(n, 1);
        fill(se.x, 10 + static_cast<std::uint32_t>(n));
        fill(st.x, 10 + static_cast<std::uint32_t>(n));
        fill(se.y, 20 + static_cast<std::uint32_t>(n));
        fill(st.y, 20 + static_cast<std::uint32_t>(n));
        for (int i = 0; i < 2; ++i) step_and_compare(se, e, st, t);
    }
    // A resize that does not fit w1 is a shape error before anything runs.
    se.x.resize(5, static_cast<Eigen::Index>(D + 1));
    BOOST_CHECK_THROW(std::get<0>(e)(), tl::shape_error);
}

BOOST_AUTO_TEST_CASE(fixed_size_matrices_are_static_extents) {
    constexpr std::size_t N = 8, D = 6, H = 5;
    // A one-column matrix is a column vector to Eigen (column-major, the same layout): accepted as N x 1.
    seed<Eigen::Matrix<float, N, D, Eigen::RowMajor>, Eigen::Matrix<float, N, 1>, Eigen::Matrix<float, D, H, Eigen::RowMajor>,
         Eigen::Matrix<float, 1, H>, Eigen::Matrix<float, H, 1>, Eigen::Matrix<float, 1, 1>>
        se;
    seed<tl::Tensor<float, N, D>, tl::Tensor<float, N, 1>, tl::Tensor<float, D, H>, tl::Tensor<float, 1, H>,
         tl::Tensor<float, H, 1>, tl::Tensor<float, 1, 1>>
        st;
    fill_all(se);
    fill_all(st);
    auto e = se.compile();
    auto t = st.compile();
    // Same leaf types, so the same expression type and plan as on tensors.
    static_assert(std::is_same_v<decltype(std::get<0>(e)), decltype(std::get<0>(t))>);
    static_assert(decltype(tl::as_eigen(std::get<0>(e).grad(std::get<1>(e))))::RowsAtCompileTime == int{D});
    static_assert(decltype(tl::as_eigen(std::get<0>(e).grad(std::get<1>(e))))::ColsAtCompileTime == int{H});
    for (int i = 0; i < 4; ++i) step_and_compare(se, e, st, t);
}

BOOST_AUTO_TEST_CASE(maps_and_transposes_view_without_copying) {
    tl::Tensor<float> a(4, 3);
    fill(a.data(), a.size(), 7);
    Eigen::Map<RowMajorXf> m(a.data(), 4, 3);
    auto M = tl::input<"a">(m);
    BOOST_TEST(M.data == a.data());
    BOOST_TEST(M.rows == 4u);
    BOOST_TEST(M.cols == 3u);
    BOOST_TEST(!M.source.tracked()); // a view: nothing to follow
    // A column-major 3x4 matrix, transposed: a row-major 4x3 view of its storage.
    Eigen::MatrixXf c(3, 4);
    auto C = tl::param<"c">(c.transpose());
    BOOST_TEST(C.data == c.data());
    BOOST_TEST(C.rows == 4u);
    BOOST_TEST(C.cols == 3u);
    auto [v, g] = tl::value_and_grad(tl::sum(M * C), C);
    BOOST_TEST(same_bits(g, a));
    (void)v;
}

BOOST_AUTO_TEST_CASE(non_contiguous_maps_are_refused) {
    std::vector<float> storage(40);
    Eigen::Map<RowMajorXf, 0, Eigen::OuterStride<>> padded(storage.data(), 4, 3, Eigen::OuterStride<>(10));
    BOOST_CHECK_EXCEPTION((void)tl::input<"x">(padded), tl::binding_error, [](tl::binding_error const& err) {
        return std::string(err.what()) ==
               "tapeless: input/param 'x': the Eigen object (4x3, inner stride 1, outer stride 10) is not contiguous";
    });
    Eigen::Map<RowMajorXf, 0, Eigen::OuterStride<>> tight(storage.data(), 4, 3, Eigen::OuterStride<>(3));
    BOOST_CHECK_NO_THROW((void)tl::input<"x">(tight));
    RowMajorXf big(6, 6);
    BOOST_CHECK_THROW((void)tl::input<"x">(big.block(1, 1, 3, 3)), tl::binding_error);
    BOOST_CHECK_NO_THROW((void)tl::input<"x">(big.middleRows(1, 3))); // whole rows: contiguous
}

BOOST_AUTO_TEST_CASE(moved_from_matrix_throws_naming_its_leaf) {
    RowMajorXf x(3, 2), w(2, 2);
    auto X = tl::input<"x">(x);
    auto W = tl::param<"w">(w);
    auto step = tl::compile(tl::sum(tl::matmul(X, W)), W);
    step();
    RowMajorXf taken = std::move(x);
    BOOST_CHECK_EXCEPTION(step(), tl::binding_error, [](tl::binding_error const& err) {
        return std::string(err.what()) == "tapeless: the tensor bound as 'x' has no storage (moved from?)";
    });
    x = taken;
    BOOST_CHECK_NO_THROW(step());
}

BOOST_AUTO_TEST_CASE(as_eigen_of_a_tensor_is_writable) {
    tl::Tensor<double, 2, 3> t;
    auto m = tl::as_eigen(t);
    static_assert(std::is_same_v<decltype(m), Eigen::Map<Eigen::Matrix<double, 2, 3, Eigen::RowMajor>>>);
    m(1, 2) = 5.0;
    BOOST_TEST(t(1, 2) == 5.0);
    tl::Tensor<float> g(3, 1);
    static_assert(std::is_same_v<decltype(tl::as_eigen(std::as_const(g))),
                                 Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> const>>);
}

BOOST_AUTO_TEST_SUITE_END()
