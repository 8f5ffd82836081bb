// tl::data::minibatches: every row once per epoch, orders reproducible from the seed and new each
// epoch, the partial last minibatch kept or dropped, rows gathered exactly, no allocation per
// minibatch, and a compiled step bound to the destinations right over a partial minibatch.
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "support/alloc_counter.hpp"

#include <tapeless/data/minibatch.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace tl = tapeless;

namespace {

// Row i of x holds i * 10 + j, row i of y holds -i: a gathered row tells which source row it is.
struct dataset {
    tl::Tensor<double> x, y;
    explicit dataset(std::size_t n, std::size_t d = 3) : x(n, d), y(n, 1) {
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < d; ++j) x(i, j) = double(i * 10 + j);
            y(i, 0) = -double(i);
        }
    }
};

// The source rows of one epoch, checking each gathered row against its source.
std::vector<std::size_t> one_epoch(tl::data::minibatches<double>& batches, dataset const& s, tl::Tensor<double>& x,
                                   tl::Tensor<double>& y, std::vector<std::size_t>* sizes = nullptr) {
    std::vector<std::size_t> rows;
    while (batches.next(x, y)) {
        if (sizes) sizes->push_back(x.rows());
        BOOST_TEST(x.rows() == y.rows());
        auto idx = batches.indices();
        BOOST_TEST(idx.size() == x.rows());
        for (std::size_t r = 0; r < x.rows(); ++r) {
            std::size_t const i = static_cast<std::size_t>(-y(r, 0));
            BOOST_TEST(i == idx[r]);
            for (std::size_t j = 0; j < x.cols(); ++j) BOOST_TEST(x(r, j) == s.x(i, j));
            rows.push_back(i);
        }
    }
    return rows;
}

} // namespace

BOOST_AUTO_TEST_SUITE(minibatch)

BOOST_AUTO_TEST_CASE(every_row_once_per_epoch_in_new_reproducible_orders) {
    dataset s(103);
    tl::data::minibatches batches(s.x, s.y, {.batch = 10, .shuffle = true, .seed = 2024});
    tl::data::minibatches again(s.x, s.y, {.batch = 10, .shuffle = true, .seed = 2024});
    tl::data::minibatches other(s.x, s.y, {.batch = 10, .shuffle = true, .seed = 2025});
    tl::Tensor<double> x(10, 3), y(10, 1);
    std::vector<std::size_t> previous;
    for (std::size_t e = 0; e < 3; ++e) {
        std::vector<std::size_t> sizes;
        auto rows = one_epoch(batches, s, x, y, &sizes);
        BOOST_TEST(batches.current_epoch() == e);
        BOOST_TEST(rows.size() == 103u);
        auto sorted = rows;
        std::sort(sorted.begin(), sorted.end());
        for (std::size_t i = 0; i < sorted.size(); ++i) BOOST_TEST(sorted[i] == i);
        BOOST_TEST(sizes.size() == batches.batches_per_epoch());
        BOOST_TEST(sizes.back() == 3u); // the partial last minibatch is kept by default
        BOOST_TEST(rows != sorted);      // shuffled
        BOOST_TEST(rows != previous);    // a new order each epoch
        BOOST_TEST(one_epoch(again, s, x, y) == rows);
        BOOST_TEST(one_epoch(other, s, x, y) != rows);
        previous = rows;
    }
}

BOOST_AUTO_TEST_CASE(the_seed_fixes_the_first_order_on_every_standard_library) {
    dataset s(8);
    tl::data::minibatches batches(s.x, s.y, {.batch = 8, .seed = 1});
    tl::Tensor<double> x(8, 3), y(8, 1);
    auto rows = one_epoch(batches, s, x, y);
    // Fisher-Yates over mt19937_64 (fully specified), not std::shuffle: the same with every library.
    BOOST_TEST(rows == (std::vector<std::size_t>{4, 6, 3, 5, 1, 7, 2, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sequential_order_and_drop_last) {
    dataset s(25);
    tl::Tensor<double> x(10, 3), y(10, 1);
    tl::data::minibatches keep(s.x, s.y, {.batch = 10, .shuffle = false});
    std::vector<std::size_t> sizes;
    auto rows = one_epoch(keep, s, x, y, &sizes);
    BOOST_TEST(sizes == (std::vector<std::size_t>{10, 10, 5}), boost::test_tools::per_element());
    for (std::size_t i = 0; i < rows.size(); ++i) BOOST_TEST(rows[i] == i);
    BOOST_TEST(x.capacity() >= 30u); // shrunk in place, room kept
    // The next epoch grows the destinations back to a whole minibatch, in the same storage.
    double const* before = x.data();
    BOOST_TEST(keep.next(x, y));
    BOOST_TEST(x.rows() == 10u);
    BOOST_TEST(x.data() == before);

    tl::data::minibatches drop(s.x, s.y, {.batch = 10, .shuffle = true, .seed = 7, .drop_last = true});
    BOOST_TEST(drop.batches_per_epoch() == 2u);
    for (int e = 0; e < 2; ++e) {
        sizes.clear();
        rows = one_epoch(drop, s, x, y, &sizes);
        BOOST_TEST(sizes == (std::vector<std::size_t>{10, 10}), boost::test_tools::per_element());
        std::sort(rows.begin(), rows.end());
        BOOST_TEST((std::adjacent_find(rows.begin(), rows.end()) == rows.end())); // no row twice
    }
}

BOOST_AUTO_TEST_CASE(range_for_over_one_epoch) {
    dataset s(23);
    tl::Tensor<double> x(5, 3), y(5, 1);
    tl::data::minibatches batches(s.x, s.y, {.batch = 5, .seed = 3});
    for (int e = 0; e < 2; ++e) {
        std::size_t count = 0, seen = 0;
        for (std::size_t b : batches.epoch(x, y)) {
            BOOST_TEST(b == count++);
            seen += x.rows();
        }
        BOOST_TEST(count == 5u);
        BOOST_TEST(seen == 23u);
        BOOST_TEST(batches.current_epoch() == std::size_t(e));
    }
}

BOOST_AUTO_TEST_CASE(no_allocation_per_minibatch) {
    dataset s(1000, 8);
    tl::Tensor<double> x(64, 8), y(64, 1);
    tl::data::minibatches batches(s.x, s.y, {.batch = 64, .seed = 11});
    batches.next(x, y); // the first epoch's shuffle
    auto const before = tl::test::allocation_count();
    std::size_t n = 0;
    for (int e = 0; e < 3; ++e)
        while (batches.next(x, y)) ++n;
    BOOST_TEST(tl::test::allocation_count() - before == 0u);
    BOOST_TEST(n > 40u);
}

BOOST_AUTO_TEST_CASE(a_compiled_step_over_a_partial_minibatch) {
    // 10 rows in minibatches of 4: the last has 2; the step's loss must be the mean over those 2.
    std::size_t const n = 10, d = 3;
    tl::Tensor<double> xs(n, d), ys(n, 1), w(d, 1);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < d; ++j) xs(i, j) = 0.1 * double(i + 1) * double(j + 1);
        ys(i, 0) = double(i % 3);
    }
    for (std::size_t j = 0; j < d; ++j) w(j, 0) = 0.5 - 0.2 * double(j);
    tl::Tensor<double> x(4, d), y(4, 1);
    auto loss = tl::mse(tl::matmul(tl::input<"x">(x), tl::param<"w">(w)), tl::input<"y">(y));
    auto step = tl::compile(loss, tl::param<"w">(w));
    tl::data::minibatches batches(xs, ys, {.batch = 4, .shuffle = true, .seed = 5});
    for (int e = 0; e < 2; ++e) {
        std::size_t count = 0;
        while (batches.next(x, y)) {
            auto const before = tl::test::allocation_count();
            step();
            if (e == 1) BOOST_TEST(tl::test::allocation_count() - before == 0u); // planned again, no allocation
            double expected = 0;
            for (std::size_t i : batches.indices()) {
                double p = 0;
                for (std::size_t j = 0; j < d; ++j) p += xs(i, j) * w(j, 0);
                expected += (p - ys(i, 0)) * (p - ys(i, 0));
            }
            expected /= double(batches.indices().size());
            BOOST_TEST(step.value() == expected, boost::test_tools::tolerance(1e-12));
            ++count;
        }
        BOOST_TEST(count == 3u);
        BOOST_TEST(x.rows() == 2u);
    }
}

BOOST_AUTO_TEST_CASE(misuse_throws_naming_the_tensor) {
    dataset s(10);
    tl::Tensor<double> short_y(9, 1);
    auto message = [](auto&& f) {
        try {
            f();
        } catch (tl::error const& e) {
            return std::string(e.what());
        }
        return std::string("no exception");
    };
    BOOST_TEST(message([&] { tl::data::minibatches b(s.x, short_y, {.batch = 4}); }) ==
               "tapeless: minibatches: source 1 has 9 rows, source 0 has 10");
    BOOST_CHECK_THROW((tl::data::minibatches(s.x, short_y, {.batch = 4})), tl::shape_error);
    BOOST_TEST(message([&] { tl::data::minibatches b(s.x, s.y, {.batch = 0}); }) ==
               "tapeless: minibatches: batch size 0");
    BOOST_CHECK_THROW((tl::data::minibatches(s.x, s.y, {.batch = 0})), tl::value_error);

    tl::data::minibatches b(s.x, s.y, {.batch = 4});
    tl::Tensor<double> x(4, 3), y(4, 1), wide(4, 2), small(3, 3);
    BOOST_TEST(message([&] { b.next(x, wide); }) ==
               "tapeless: minibatches: destination 1 has 2 columns, source 1 has 1");
    BOOST_TEST(message([&] { b.next(small, y); }) ==
               "tapeless: minibatches: destination 0 (3x3) has room for 3 rows, a minibatch has 4; make it 4x3");
    BOOST_TEST(message([&] { b.next(x); }) == "tapeless: minibatches: next() got 1 destinations for 2 sources");
    BOOST_CHECK_THROW(b.next(x, wide), tl::shape_error);
    BOOST_TEST(b.next(x, y)); // nothing was consumed by the failed calls
    BOOST_TEST(b.indices().size() == 4u);
}

BOOST_AUTO_TEST_CASE(resize_rows_keeps_the_storage) {
    tl::Tensor<float> t(4, 3, 1.0f);
    float const* p = t.data();
    t.resize_rows(2);
    BOOST_TEST(t.rows() == 2u);
    BOOST_TEST(t.capacity() == 12u);
    t.resize_rows(4);
    BOOST_TEST(t.data() == p);
    BOOST_TEST(t(3, 2) == 1.0f);
    BOOST_CHECK_EXCEPTION(t.resize_rows(5), tl::shape_error, [](auto const& e) {
        return std::string(e.what()) == "tapeless: tensor: resize_rows(5) of a 4x3 tensor needs 15 elements, its storage holds 12";
    });
}

// The README's "Minibatches" section: a least-squares fit trained by minibatches, the last of
// each epoch partial, ending near the true weights.
BOOST_AUTO_TEST_CASE(readme_loop) {
    std::size_t const n = 1000, d = 20;
    tl::Tensor<float> xs(n, d), ys(n, 1), w(d, 1), truth(d, 1);
    for (std::size_t j = 0; j < d; ++j) truth(j, 0) = 0.1f * float(j % 7) - 0.3f;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < d; ++j) xs(i, j) = float((i * 31 + j * 17) % 23) / 23.0f - 0.5f;
        for (std::size_t j = 0; j < d; ++j) ys(i, 0) += xs(i, j) * truth(j, 0);
    }
    auto W = tl::param<"w">(w);
    //! [minibatches]
    // xs: n x 20 features and ys: n x 1 targets, all in memory; x and y: one minibatch.
    tl::Tensor<float> x(64, 20), y(64, 1);
    auto step = tl::compile(tl::mse(tl::matmul(tl::input<"x">(x), W), tl::input<"y">(y)), W);
    tl::optim::sgd<float> sgd({.lr = 0.5f});

    tl::data::minibatches batches(xs, ys, {.batch = 64, .shuffle = true, .seed = 2024});
    for (int epoch = 0; epoch < 100; ++epoch)
        while (batches.next(x, y)) { // rows copied into x and y, nothing allocated; false after
            step();                  // the epoch's last minibatch, here 1000 % 64 = 40 rows
            sgd.step(w, step.grad(W));
        }
    //! [minibatches]
    BOOST_TEST(x.rows() == 40u);
    for (std::size_t j = 0; j < d; ++j) BOOST_TEST(std::abs(w(j, 0) - truth(j, 0)) < 0.02f);
}

BOOST_AUTO_TEST_SUITE_END()
