// clip_grad_norm against the same step on gradients scaled by hand, and warmup_cosine against its
// formula at the points where its pieces meet.
#include "support/hand_worked.hpp"

#include <tapeless/optim/optim.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

namespace tl = tapeless;
namespace tt = boost::test_tools;

namespace {

using types = tl::test::element_types;
template <class T>
constexpr double tol = tl::test::hand_tol<T>;

} // namespace

BOOST_AUTO_TEST_SUITE(optim_clip_schedule)

BOOST_AUTO_TEST_CASE_TEMPLATE(clipping_scales_the_step_to_the_global_norm, T, types) {
    // Gradients (3, 0) and (0, 4): global norm 5; max_norm 1 scales them by 1 / (5 + 1e-6).
    tl::Tensor<T, 1, 2> p{{1, 2}}, q{{-1, 0.5}}, gp{{3, 0}}, gq{{0, 4}};
    tl::optim::sgd<T> opt({.lr = T(0.5)});
    T norm = tl::optim::clip_grad_norm(opt, T(1), p, gp.view(), q, gq.view());
    BOOST_TEST(norm == 5.0, tt::tolerance(tol<T>));
    double const k = 1 / (5 + 1e-6);
    BOOST_TEST(p(0, 0) == 1 - 0.5 * 3 * k, tt::tolerance(tol<T>));
    BOOST_TEST(p(0, 1) == 2.0, tt::tolerance(tol<T>));
    BOOST_TEST(q(0, 0) == -1.0, tt::tolerance(tol<T>));
    BOOST_TEST(q(0, 1) == 0.5 - 0.5 * 4 * k, tt::tolerance(tol<T>));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(a_small_norm_is_left_alone, T, types) {
    // Norm 5 under max_norm 10: the step is the plain step, bit for bit.
    tl::Tensor<T, 2, 2> a{{1, 2}, {3, 4}}, b = a, g{{3, 0}, {0, -4}};
    tl::optim::adam<T> clipped({.lr = T(0.1), .weight_decay = T(0.01)}), plain({.lr = T(0.1), .weight_decay = T(0.01)});
    for (int s = 0; s < 3; ++s) {
        T norm = tl::optim::clip_grad_norm(clipped, T(10), a, g.view());
        plain.step(b, g.view());
        BOOST_TEST(norm == 5.0, tt::tolerance(tol<T>));
    }
    for (std::size_t i = 0; i < 4; ++i) BOOST_TEST(a.data()[i] == b.data()[i]);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(clipped_adam_equals_adam_on_scaled_gradients, T, types) {
    // Stacks too: a vector of tensors paired with its gradients, layer by layer.
    std::vector<tl::Tensor<T, 1, 3>> w(2, tl::Tensor<T, 1, 3>{{1, -1, 2}}), v = w;
    std::vector<tl::Tensor<T, 1, 3>> g{tl::Tensor<T, 1, 3>{{2, 1, -2}}, tl::Tensor<T, 1, 3>{{0, 4, 0}}};
    tl::optim::adam<T> clipped({.lr = T(0.01)}), plain({.lr = T(0.01)});
    for (int s = 0; s < 3; ++s) {
        T norm = tl::optim::clip_grad_norm(clipped, T(0.5), w, g);
        BOOST_TEST(norm == 5.0, tt::tolerance(tol<T>)); // sqrt(4 + 1 + 4 + 16)
        T const k = T(0.5 / (5 + 1e-6));
        std::vector<tl::Tensor<T, 1, 3>> scaled = g;
        for (auto& t : scaled)
            for (std::size_t i = 0; i < 3; ++i) t.data()[i] *= k;
        plain.step(v, scaled);
    }
    for (std::size_t l = 0; l < 2; ++l)
        for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(w[l].data()[i] == v[l].data()[i], tt::tolerance(tol<T>));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(bad_clipping_changes_nothing, T, types) {
    tl::Tensor<T, 1, 2> p{{1, 2}}, g{{std::numeric_limits<T>::quiet_NaN(), 1}}, ok{{1, 1}};
    tl::optim::adam<T> opt;
    BOOST_CHECK_THROW(tl::optim::clip_grad_norm(opt, T(1), p, g.view()), tl::value_error);
    BOOST_CHECK_THROW(tl::optim::clip_grad_norm(opt, T(0), p, ok.view()), tl::value_error);
    BOOST_TEST(opt.step_count() == 0u);
    BOOST_TEST(p(0, 0) == T(1));
    BOOST_TEST(p(0, 1) == T(2));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(warmup_then_cosine, T, types) {
    tl::optim::warmup_cosine<T> lr({.peak = T(0.4), .warmup_steps = 10, .total_steps = 110, .floor = T(0.1)});
    BOOST_TEST(lr(0) == 0.0);
    BOOST_TEST(lr(5) == 0.2, tt::tolerance(tol<T>));
    BOOST_TEST(lr(10) == 0.4, tt::tolerance(tol<T>));
    BOOST_TEST(lr(60) == 0.25, tt::tolerance(tol<T>)); // half way down: (peak + floor) / 2
    BOOST_TEST(lr(35) == 0.1 + 0.3 * (1 + std::cos(std::numbers::pi / 4)) / 2, tt::tolerance(tol<T>));
    BOOST_TEST(lr(110) == 0.1, tt::tolerance(tol<T>));
    BOOST_TEST(lr(1000) == 0.1, tt::tolerance(tol<T>));
    for (std::uint64_t t = 10; t < 110; ++t) BOOST_TEST(lr(t + 1) <= lr(t));
    for (std::uint64_t t = 0; t < 10; ++t) BOOST_TEST(lr(t + 1) > lr(t));
}

BOOST_AUTO_TEST_CASE(schedule_without_warmup_and_bad_schedules) {
    tl::optim::warmup_cosine<double> lr({.peak = 1, .warmup_steps = 0, .total_steps = 4});
    BOOST_TEST(lr(0) == 1.0);
    BOOST_TEST(lr(2) == 0.5, tt::tolerance(1e-15));
    BOOST_TEST(lr(4) == 0.0);
    using o = tl::optim::warmup_cosine_options<double>;
    BOOST_CHECK_THROW(tl::optim::warmup_cosine<double>(o{.peak = 1, .warmup_steps = 5, .total_steps = 4}), tl::value_error);
    BOOST_CHECK_THROW(tl::optim::warmup_cosine<double>(o{.peak = 1, .total_steps = 4, .floor = 2}), tl::value_error);
    BOOST_CHECK_THROW(tl::optim::warmup_cosine<double>(o{.peak = -1, .total_steps = 4}), tl::value_error);
    BOOST_CHECK_THROW(tl::optim::warmup_cosine<double>(o{.peak = 1, .total_steps = 0}), tl::value_error);
}

BOOST_AUTO_TEST_SUITE_END()
