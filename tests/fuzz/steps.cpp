// Fuzzing compiled steps across runs: between steps the tensors bound to the seed network are
// resized, replaced, copied into, moved from and moved back at random. Each run must equal the
// reference on what the tensors hold then, or throw binding_error (a moved-from tensor) or
// shape_error (extents that no longer fit), leaving the tensors and the last run's value and
// gradients as they were. Also: one name bound to several tensors and views.
#include "support/fuzz.hpp"
#include "support/fuzz_reference.hpp"

#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace tl = tapeless;
namespace fz = tapeless::test::fuzz;

namespace {

constexpr double tol = 1e-9;

// The seed network's tensors, in this order: w1, b1, w2, b2 (params), x, y (inputs).
enum { w1, b1, w2, b2, x, y, ntensors };

struct net {
    std::array<tl::Tensor<double>, ntensors> t;
    auto W1() const { return tl::param<"w1">(t[w1]); }
    auto B1() const { return tl::param<"b1">(t[b1]); }
    auto W2() const { return tl::param<"w2">(t[w2]); }
    auto B2() const { return tl::param<"b2">(t[b2]); }
    auto loss() const {
        return tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(t[x]), W1(), B1())), W2(), B2()), tl::input<"y">(t[y]));
    }
    auto compile() const { return tl::compile(loss(), W1(), B1(), W2(), B2()); }
};

// Natural shapes for n samples, d inputs, h hidden units, o outputs.
std::array<tl::shape, ntensors> fitting(std::array<std::size_t, 4> e) {
    auto [n, d, h, o] = e;
    return {tl::shape{d, h}, tl::shape{1, h}, tl::shape{h, o}, tl::shape{1, o}, tl::shape{n, d}, tl::shape{n, o}};
}

tl::Tensor<double> random_tensor(fz::rng& g, tl::shape s) {
    tl::Tensor<double> r(s.rows, s.cols);
    tapeless::test::fill_uniform(r, g, -2.0, 2.0);
    return r;
}

struct expected {
    fz::outcome o = fz::outcome::ok;
    std::string why;
    double loss = 0;
    std::array<std::vector<double>, 4> grads;
};

expected reference(net const& s) {
    expected e;
    for (auto const& t : s.t)
        if (!t.data()) {
            e.o = fz::outcome::binding_error;
            return e;
        }
    fz::reference r;
    std::array<fz::ref, ntensors> l;
    for (std::size_t k = 0; k < ntensors; ++k) l[k] = k < x ? r.param(s.t[k]) : r.input(s.t[k]);
    try {
        using namespace fz::ops;
        fz::ref loss = mse(lin(relu(lin(l[x], l[w1], l[b1])), l[w2], l[b2]), l[y]);
        e.loss = loss.v.item();
        r.backward(loss);
        for (std::size_t k = 0; k < 4; ++k) {
            auto g = r.grad(l[k]);
            e.grads[k].assign(g.data(), g.data() + g.size());
        }
    } catch (fz::rejected const& rj) {
        e.o = fz::outcome::shape_error;
        e.why = rj.why;
    }
    return e;
}

// What a step shows after a run: the loss and each gradient's view.
struct shown {
    double loss;
    std::vector<fz::snapshot<double>> grads;
};
template <class Step>
shown show(Step const& step, net const& s) {
    shown r{step.value(), {}};
    r.grads.emplace_back(step.grad(s.W1()));
    r.grads.emplace_back(step.grad(s.B1()));
    r.grads.emplace_back(step.grad(s.W2()));
    r.grads.emplace_back(step.grad(s.B2()));
    return r;
}
template <class Step>
bool unchanged(shown const& before, Step const& step, net const& s) {
    bool same = step.value() == before.loss || (std::isnan(step.value()) && std::isnan(before.loss));
    same = same && before.grads[0].unchanged(step.grad(s.W1())) && before.grads[1].unchanged(step.grad(s.B1())) &&
           before.grads[2].unchanged(step.grad(s.W2())) && before.grads[3].unchanged(step.grad(s.B2()));
    return same;
}

template <class Step>
void compare(Step const& step, net const& s, expected const& e, std::string const& w) {
    BOOST_TEST(fz::close(step.value(), e.loss, tol), w << ": loss " << step.value() << ", expected " << e.loss);
    auto check = [&](auto const& g, std::size_t k) {
        if (tl::shape{g.rows(), g.cols()} != s.t[k].shape()) {
            BOOST_ERROR(w << ": gradient " << k << " is " << tl::to_string(tl::shape{g.rows(), g.cols()}));
            return;
        }
        for (std::size_t i = 0; i < e.grads[k].size(); ++i)
            if (!fz::close(g.data()[i], e.grads[k][i], tol)) {
                BOOST_ERROR(w << ": gradient " << k << "[" << i << "] = " << g.data()[i] << ", expected " << e.grads[k][i]);
                return;
            }
    };
    check(step.grad(s.W1()), w1);
    check(step.grad(s.B1()), b1);
    check(step.grad(s.W2()), w2);
    check(step.grad(s.B2()), b2);
}

} // namespace

BOOST_AUTO_TEST_SUITE(fuzz_steps)

BOOST_AUTO_TEST_CASE(rebinding_between_runs) {
    fz::tally tally("compiled step across runs");
    for (std::size_t i = 0; i < fz::inputs(300); ++i) {
        std::string const w0 = fz::where(tally.name(), i);
        fz::rng g = fz::input_rng(tally.name(), i);
        std::array<std::size_t, 4> e{fz::extent(g), fz::extent(g), fz::extent(g), fz::extent(g)};
        net s;
        auto shapes = fitting(e);
        for (std::size_t k = 0; k < ntensors; ++k) s.t[k] = random_tensor(g, {fz::perturb(g, shapes[k].rows, 0.05), fz::perturb(g, shapes[k].cols, 0.05)});

        // Compiling binds: misfitting extents are refused here already.
        std::string msg;
        std::optional<decltype(s.compile())> step;
        expected e0 = reference(s);
        fz::outcome o = fz::run([&] { step.emplace(s.compile()); }, msg, w0);
        tally.add(o);
        if (o != e0.o && o != fz::outcome::other)
            BOOST_ERROR(w0 << ": compile: " << fz::to_string(o) << " (" << msg << "), expected " << fz::to_string(e0.o));
        if (!step) continue;

        std::array<std::optional<tl::Tensor<double>>, ntensors> stolen;
        std::optional<shown> last;
        for (int run = 0; run < 8; ++run) {
            std::string w = w0 + ", run " + std::to_string(run) + ":";
            std::size_t k = fz::below(g, ntensors);
            switch (fz::below(g, 8)) {
            case 0: // new storage, perhaps of other extents
                s.t[k] = random_tensor(g, {fz::perturb(g, s.t[k].rows(), 0.3), fz::perturb(g, s.t[k].cols(), 0.3)});
                w += " new storage for tensor " + std::to_string(k);
                break;
            case 1: { // copied into: in place for equal shapes
                tl::Tensor<double> src = random_tensor(g, {fz::perturb(g, s.t[k].rows(), 0.2), fz::perturb(g, s.t[k].cols(), 0.2)});
                s.t[k] = src;
                w += " copy into tensor " + std::to_string(k);
                break;
            }
            case 2: // moved from
                if (!stolen[k]) stolen[k].emplace(std::move(s.t[k]));
                w += " tensor " + std::to_string(k) + " moved from";
                break;
            case 3: // moved back
                for (std::size_t j = 0; j < ntensors; ++j)
                    if (stolen[j]) {
                        s.t[j] = std::move(*stolen[j]);
                        stolen[j].reset();
                    }
                w += " all moved back";
                break;
            case 4: { // a new minibatch size, x and y alike
                std::size_t n = fz::extent(g);
                s.t[x] = random_tensor(g, {n, s.t[x].cols()});
                s.t[y] = random_tensor(g, {n, s.t[y].cols()});
                w += " minibatch of " + std::to_string(n);
                break;
            }
            case 5: // everything made to fit again (the tensors moved from stay empty)
                e = {fz::extent(g), fz::extent(g), fz::extent(g), fz::extent(g)};
                shapes = fitting(e);
                for (std::size_t j = 0; j < ntensors; ++j)
                    if (s.t[j].data()) s.t[j] = random_tensor(g, shapes[j]);
                w += " all refitted";
                break;
            default: w += " unchanged"; break;
            }
            for (std::size_t j = 0; j < ntensors; ++j) {
                w += ' ';
                w += s.t[j].data() ? tl::to_string(s.t[j].shape()) : std::string("(moved from)");
            }
            expected const want = reference(s);
            std::vector<fz::snapshot<double>> before;
            for (auto const& t : s.t) before.emplace_back(t);
            o = fz::run([&] { (*step)(); }, msg, w);
            tally.add(o);
            if (o != want.o && o != fz::outcome::other)
                BOOST_ERROR(w << " " << fz::to_string(o) << " (" << msg << "), expected " << fz::to_string(want.o)
                              << (want.why.empty() ? "" : " (" + want.why + ")"));
            for (std::size_t j = 0; j < ntensors; ++j)
                if (!before[j].unchanged(s.t[j])) BOOST_ERROR(w << " tensor " << j << " was written to");
            if (o == fz::outcome::ok) {
                compare(*step, s, want, w);
                last.emplace(show(*step, s));
            } else if (last && !unchanged(*last, *step, s)) {
                BOOST_ERROR(w << " the failed run changed the last run's value or gradients");
            }
        }
    }
}

// One name, several tensors: `w` in the loss twice and once as the leaf differentiated, each a
// tensor, the same tensor again, or a view of one (same storage, same or other extents). Unless
// all three are one binding (same storage and extents) it is a binding_error, before any shape is
// looked at.
BOOST_AUTO_TEST_CASE(one_name_many_tensors) {
    fz::tally tally("one name, many tensors");
    for (std::size_t i = 0; i < fz::inputs(2000); ++i) {
        std::string const w = fz::where(tally.name(), i);
        fz::rng g = fz::input_rng(tally.name(), i);
        std::array<tl::Tensor<double>, 3> pool;
        for (auto& t : pool) t = random_tensor(g, {fz::extent(g), fz::extent(g)});
        if (fz::chance(g, 0.5)) pool[1] = random_tensor(g, pool[0].shape());
        tl::shape vs = fz::chance(g, 0.5) ? pool[0].shape() : tl::shape{pool[0].cols(), pool[0].rows()};
        tl::TensorView<double const> view(pool[0].data(), vs.rows, vs.cols);
        auto leaf = [&](std::size_t k) { return k < 3 ? tl::param<"w">(pool[k]) : tl::param<"w">(view); };
        auto key = [&](std::size_t k) {
            return k < 3 ? std::pair{static_cast<double const*>(pool[k].data()), pool[k].shape()} : std::pair{view.data(), vs};
        };
        std::size_t a = fz::below(g, 4), b = fz::chance(g, 0.4) ? a : fz::below(g, 4), c = fz::chance(g, 0.4) ? a : fz::below(g, 4);
        bool const one = key(a) == key(b) && key(a) == key(c);
        auto const A = leaf(a), C = leaf(c);
        auto const loss = tl::sum(A * leaf(b));
        std::vector<fz::snapshot<double>> before;
        for (auto const& t : pool) before.emplace_back(t);
        std::string msg;
        fz::outcome o = fz::run(
            [&] {
                if (fz::chance(g, 0.5)) {
                    auto [v, grad] = tl::value_and_grad(loss, C);
                    double sum = 0;
                    for (std::size_t k = 0; k < A.rows * A.cols; ++k) sum += A.data[k] * A.data[k];
                    BOOST_TEST(fz::close(v, sum, tol), w);
                    BOOST_TEST((grad.shape() == tl::shape{A.rows, A.cols}), w);
                    for (std::size_t k = 0; k < grad.size(); ++k) BOOST_TEST(fz::close(grad.data()[k], 2 * A.data[k], tol), w);
                } else {
                    auto step = tl::compile(loss, C);
                    step();
                }
            },
            msg, w);
        tally.add(o);
        fz::outcome const want = one ? fz::outcome::ok : fz::outcome::binding_error;
        if (o != want && o != fz::outcome::other)
            BOOST_ERROR(w << ": leaves " << a << ", " << b << ", " << c << ": " << fz::to_string(o) << " (" << msg
                          << "), expected " << fz::to_string(want));
        for (std::size_t k = 0; k < 3; ++k)
            if (!before[k].unchanged(pool[k])) BOOST_ERROR(w << ": tensor " << k << " was written to");
    }
}

BOOST_AUTO_TEST_SUITE_END()
