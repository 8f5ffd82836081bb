// Fuzzing tensors and views with runtime extents: construction against static extents, copy and
// move assignment between random shapes, views of other extents, and leaves of static tensors
// mixed with runtime ones in one expression. Also reports the total over every fuzz test.
#include "support/fuzz.hpp"
#include "support/fuzz_reference.hpp"

#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

namespace tl = tapeless;
namespace fz = tapeless::test::fuzz;

namespace {

// Prints the total of every fuzz test of this executable when it ends.
struct report_total {
    void setup() {}
    void teardown() { BOOST_TEST_MESSAGE("fuzz total: " << fz::total().summary()); }
};

// Tensor<T, R, C>(r, c): accepted exactly when every static extent matches, then r x c zeros.
template <class T, std::size_t R, std::size_t C>
void construct(fz::tally& tally, fz::rng& g, std::string const& w) {
    std::size_t r = fz::chance(g, 0.5) && R != tl::dynamic ? R : fz::extent(g);
    std::size_t c = fz::chance(g, 0.5) && C != tl::dynamic ? C : fz::extent(g);
    bool const fits = (R == tl::dynamic || r == R) && (C == tl::dynamic || c == C);
    std::string msg;
    fz::outcome o = fz::run(
        [&] {
            tl::Tensor<T, R, C> t(r, c, T(3));
            BOOST_TEST((t.shape() == tl::shape{r, c}), w);
            BOOST_TEST(t.data() != nullptr, w);
            for (std::size_t k = 0; k < t.size(); ++k)
                if (t.data()[k] != T(3)) BOOST_ERROR(w << ": element " << k << " = " << t.data()[k]);
            T buffer[64] = {};
            tl::TensorView<T, R, C> v(buffer, r, c);
            BOOST_TEST((v.shape() == tl::shape{r, c}), w);
            tl::TensorView<T const, R, C> from_tensor(t);
            BOOST_TEST(from_tensor.data() == t.data(), w);
        },
        msg, w);
    tally.add(o);
    if (o != (fits ? fz::outcome::ok : fz::outcome::shape_error) && o != fz::outcome::other)
        BOOST_ERROR(w << ": Tensor<" << (R == tl::dynamic ? "?" : std::to_string(R)) << ", "
                      << (C == tl::dynamic ? "?" : std::to_string(C)) << ">(" << r << ", " << c << "): "
                      << fz::to_string(o) << " (" << msg << ")");
}

// A view with static extents of a runtime tensor: accepted exactly when the extents match.
template <std::size_t R, std::size_t C>
void view_of(fz::tally& tally, fz::rng& g, std::string const& w) {
    tl::Tensor<float> t(fz::chance(g, 0.5) ? R : fz::extent(g), fz::chance(g, 0.5) ? C : fz::extent(g));
    std::string msg;
    fz::outcome o = fz::run([&] { tl::TensorView<float const, R, C> v(t); BOOST_TEST(v.data() == t.data(), w); }, msg, w);
    tally.add(o);
    bool const fits = t.rows() == R && t.cols() == C;
    if (o != (fits ? fz::outcome::ok : fz::outcome::shape_error) && o != fz::outcome::other)
        BOOST_ERROR(w << ": view " << R << "x" << C << " of " << tl::to_string(t.shape()) << ": " << fz::to_string(o));
}

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(report_total);

BOOST_AUTO_TEST_SUITE(fuzz_tensors)

BOOST_AUTO_TEST_CASE(construction_against_static_extents) {
    fz::tally tally("tensor construction");
    for (std::size_t i = 0; i < fz::inputs(4000); ++i) {
        fz::rng g = fz::input_rng(tally.name(), i);
        std::string const w = fz::where(tally.name(), i);
        switch (i % 6) {
        case 0: construct<double, tl::dynamic, tl::dynamic>(tally, g, w); break;
        case 1: construct<float, 3, 4>(tally, g, w); break;
        case 2: construct<double, tl::dynamic, 4>(tally, g, w); break;
        case 3: construct<float, 1, tl::dynamic>(tally, g, w); break;
        case 4: view_of<2, 3>(tally, g, w); break;
        default: view_of<0, 5>(tally, g, w); break;
        }
    }
}

// a = b and a = std::move(b) for random shapes: a takes b's shape and values (in place when the
// shapes were equal), b is unchanged by a copy and left empty (0 x 0, no storage) by a move.
BOOST_AUTO_TEST_CASE(copy_and_move_assignment) {
    fz::tally tally("tensor assignment");
    for (std::size_t i = 0; i < fz::inputs(3000); ++i) {
        fz::rng g = fz::input_rng(tally.name(), i);
        std::string const w = fz::where(tally.name(), i);
        tl::Tensor<double> a(fz::extent(g), fz::extent(g)), b(fz::extent(g), fz::extent(g));
        if (fz::chance(g, 0.3)) b = tl::Tensor<double>(a.rows(), a.cols());
        tapeless::test::fill_uniform(a, g);
        tapeless::test::fill_uniform(b, g);
        fz::snapshot<double> const sb(b);
        double const* const a_storage = a.data();
        bool const same_shape = a.shape() == b.shape();
        std::string msg;
        fz::outcome o = fz::run(
            [&] {
                switch (fz::below(g, 3)) {
                case 0:
                    a = b;
                    BOOST_TEST((a.data() == a_storage) == same_shape, w);
                    BOOST_TEST(sb.unchanged(b), w);
                    break;
                case 1: {
                    a = std::move(b);
                    BOOST_TEST(a.data() == sb.data, w);
                    BOOST_TEST(b.data() == nullptr, w);
                    BOOST_TEST((b.shape() == tl::shape{0, 0}), w);
                    tl::Tensor<double> c(b); // a copy of a moved-from tensor is empty too
                    BOOST_TEST(c.size() == 0u, w);
                    b = a; // and a moved-from tensor takes a copy
                    BOOST_TEST(b.size() == a.size(), w);
                    break;
                }
                default: {
                    tl::Tensor<double, tl::dynamic, 3> s(a.rows(), 3, 1.0), t(b.rows(), 3, 2.0);
                    s = t;
                    BOOST_TEST(s.rows() == b.rows(), w);
                    a = b;
                    break;
                }
                }
                BOOST_TEST((a.shape() == sb.shape), w);
                for (std::size_t k = 0; k < a.size(); ++k)
                    if (a.data()[k] != sb.values[k]) BOOST_ERROR(w << ": element " << k);
            },
            msg, w);
        tally.add(o);
    }
}

// lin(x, w, b) with w a static 4 x 3 tensor and x, b of runtime extents: shape_error exactly when
// x has not 4 columns or b does not broadcast to n x 3.
BOOST_AUTO_TEST_CASE(static_and_runtime_leaves_in_one_expression) {
    fz::tally tally("static and runtime leaves");
    tl::Tensor<double, 4, 3> w;
    for (std::size_t i = 0; i < fz::inputs(1500); ++i) {
        fz::rng g = fz::input_rng(tally.name(), i);
        std::string const where = fz::where(tally.name(), i);
        tapeless::test::fill_uniform(w, g);
        std::size_t n = fz::extent(g);
        tl::Tensor<double> x(n, fz::perturb(g, 4, 0.3));
        tl::Tensor<double> b(fz::chance(g, 0.7) ? 1 : fz::extent(g), fz::perturb(g, 3, 0.3));
        tapeless::test::fill_uniform(x, g);
        tapeless::test::fill_uniform(b, g);
        fz::reference r;
        double want = 0;
        std::array<std::vector<double>, 2> grads;
        bool accepted = true;
        try {
            auto W = r.param(w), B = r.param(b);
            fz::ref loss = fz::ops::sum(fz::ops::square(fz::ops::lin(r.input(x), W, B)));
            want = loss.v.item();
            r.backward(loss);
            auto gw = r.grad(W), gb = r.grad(B);
            grads[0].assign(gw.data(), gw.data() + gw.size());
            grads[1].assign(gb.data(), gb.data() + gb.size());
        } catch (fz::rejected const&) {
            accepted = false;
        }
        auto Wl = tl::param<"w">(w);
        auto Bl = tl::param<"b">(b);
        std::string msg;
        fz::outcome o = fz::run(
            [&] {
                auto loss = tl::sum(tl::square(tl::lin(tl::input<"x">(x), Wl, Bl))); // lin checks here
                auto [v, gw, gb] = tl::value_and_grad(loss, Wl, Bl);
                BOOST_TEST(fz::close(v, want, 1e-9), where);
                for (std::size_t k = 0; k < gw.size(); ++k) BOOST_TEST(fz::close(gw.data()[k], grads[0][k], 1e-9), where);
                BOOST_TEST((gb.shape() == b.shape()), where);
                for (std::size_t k = 0; k < gb.size(); ++k) BOOST_TEST(fz::close(gb.data()[k], grads[1][k], 1e-9), where);
            },
            msg, where);
        tally.add(o);
        if (o != (accepted ? fz::outcome::ok : fz::outcome::shape_error) && o != fz::outcome::other)
            BOOST_ERROR(where << ": x " << tl::to_string(x.shape()) << ", b " << tl::to_string(b.shape()) << ": "
                              << fz::to_string(o) << " (" << msg << ")");
    }
}

// Extents whose product overflows std::size_t would make size() small while rows() stays huge:
// refused, for tensors and views alike.
BOOST_AUTO_TEST_CASE(overflowing_extents_are_refused) {
    std::size_t const rows = std::size_t{1} << 62;
    BOOST_CHECK_EXCEPTION(tl::Tensor<float>(rows, 8), tl::shape_error, [](tl::error const& e) {
        return std::string(e.what()) == "tapeless: tensor: shape 4611686018427387904x8 has more elements than a size_t counts";
    });
    float x = 0;
    BOOST_CHECK_THROW(tl::TensorView<float>(&x, 8, rows), tl::shape_error);
    BOOST_CHECK_NO_THROW(tl::Tensor<float>(0, rows)); // empty: nothing to count
}

BOOST_AUTO_TEST_SUITE_END()
