// The README's Eigen section: the seed network on row-major Eigen matrices, trained a step, its
// minibatch resized between steps.
#include <tapeless/eigen.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>

namespace tl = tapeless;

BOOST_AUTO_TEST_SUITE(eigen_readme)

BOOST_AUTO_TEST_CASE(seed_on_eigen_matrices) {
    //! [eigen]
    using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Matrix x = Matrix::Random(64, 784), y = Matrix::Random(64, 1);
    Matrix w1 = 0.05f * Matrix::Random(784, 50), b1 = Matrix::Zero(1, 50);
    Matrix w2 = 0.05f * Matrix::Random(50, 1), b2 = Matrix::Zero(1, 1);

    auto W1 = tl::param<"w1">(w1);                     // views w1's storage: no copy
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);
    auto loss = tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(x), W1, B1)), W2, B2), tl::input<"y">(y));

    auto step = tl::compile(loss, W1, B1, W2, B2);
    step();
    w1 -= 0.01f * tl::as_eigen(step.grad(W1));         // the gradient as an Eigen::Map, no copy
    x = Matrix::Random(17, 784);                       // a smaller minibatch: planned again...
    y = Matrix::Random(17, 1);
    step();                                            // ...before this step runs
    //! [eigen]
    BOOST_TEST(std::isfinite(step.value()));
    BOOST_TEST(tl::as_eigen(step.grad(W1)).rows() == 784);
}

BOOST_AUTO_TEST_SUITE_END()
