// Tensor and TensorView: extents, alignment, ownership, views over caller memory.
#include <tapeless/tensor/tensor.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <vector>

namespace tl = tapeless;

BOOST_AUTO_TEST_SUITE(tensor_tensor)

using element_types = std::tuple<float, double>;

BOOST_AUTO_TEST_CASE_TEMPLATE(runtime_extents, T, element_types) {
    tl::Tensor<T> t(3, 5);
    BOOST_TEST(t.rows() == 3u);
    BOOST_TEST(t.cols() == 5u);
    BOOST_TEST(t.size() == 15u);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(t.data()) % 64 == 0u);
    for (std::size_t i = 0; i < t.size(); ++i) BOOST_TEST(t.data()[i] == T(0)); // zeroed
    t(2, 4) = T(7);
    BOOST_TEST(t.data()[14] == T(7)); // row-major
    tl::Tensor<T> copy = t;
    copy(2, 4) = T(1);
    BOOST_TEST(t(2, 4) == T(7)); // deep copy
    tl::Tensor<T> moved = std::move(copy);
    BOOST_TEST(moved(2, 4) == T(1));
}

BOOST_AUTO_TEST_CASE(static_extents) {
    tl::Tensor<float, 2, 3> t;
    static_assert(tl::Tensor<float, 2, 3>::static_shape == tl::shape{2, 3});
    static_assert(sizeof(tl::TensorView<float, 2, 3>) == sizeof(float*)); // extents live in the type
    BOOST_TEST(t.rows() == 2u);
    BOOST_TEST(t.cols() == 3u);
    BOOST_CHECK_THROW((tl::Tensor<float, 2, 3>(2, 4)), tl::shape_error);
    tl::Tensor<float, tl::dynamic, 3> half(7, 3);
    BOOST_TEST(half.rows() == 7u);
}

BOOST_AUTO_TEST_CASE(initializer_lists) {
    tl::Tensor<double> a{{1, 2, 3}, {4, 5, 6}};
    BOOST_TEST(a.rows() == 2u);
    BOOST_TEST(a(1, 2) == 6.0);
    BOOST_CHECK_THROW((tl::Tensor<double>{{1, 2}, {3}}), tl::shape_error);
}

BOOST_AUTO_TEST_CASE(views_over_caller_memory) {
    std::vector<float> storage{1, 2, 3, 4, 5, 6};
    tl::TensorView<float> v(storage.data(), 2, 3);
    v(1, 0) = 40;
    BOOST_TEST(storage[3] == 40.f);
    tl::Tensor<float> t(2, 2, 1.5f);
    tl::TensorView<float const> cv = t.view();
    BOOST_TEST(cv(1, 1) == 1.5f);
    BOOST_CHECK_THROW((tl::TensorView<float, 3, 3>(storage.data(), 2, 3)), tl::shape_error);
    BOOST_TEST(tl::to_string(tl::shape{3, tl::dynamic}) == "3x?");
}

BOOST_AUTO_TEST_CASE(assignment_keeps_or_hands_over_storage) {
    tl::Tensor<float> a(2, 3, 1.f), b(2, 3, 2.f), c(4, 1, 3.f);
    float* storage = a.data();
    a = b; // equal shapes: in place
    BOOST_TEST(a.data() == storage);
    BOOST_TEST(a(1, 2) == 2.f);
    BOOST_TEST(b.data() != a.data());
    a = c; // another shape: new storage
    BOOST_TEST((a.shape() == tl::shape{4, 1}));
    BOOST_TEST(a(3, 0) == 3.f);
    float* moved = c.data();
    tl::Tensor<float> d = std::move(c); // the source is left empty
    BOOST_TEST(d.data() == moved);
    BOOST_TEST(c.data() == nullptr);
    BOOST_TEST(c.size() == 0u);
    a = std::move(d);
    BOOST_TEST(a.data() == moved);
    BOOST_TEST(d.data() == nullptr);
    auto src = a.source();
    BOOST_TEST(*src.data == moved);
    BOOST_TEST(*src.rows == 4u);
    tl::Tensor<double, 2, 2> s;
    BOOST_TEST(s.source().rows == nullptr); // static extents never change
}

BOOST_AUTO_TEST_SUITE_END()
