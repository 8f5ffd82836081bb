// Fuzzing the optimizers (sgd, momentum, adam) with parameter/gradient sets that change from step
// to step: one to three pairs drawn from a pool, gradients of the wrong shape, parameters resized,
// viewed with other extents, swapped or dropped. Each step must update exactly as a model of the
// optimizer does, or throw shape_error / binding_error with no parameter, state or step count
// changed (later steps, still matching the model, show the state was kept).
#include "support/fuzz.hpp"

#include <tapeless/optim/optim.hpp>

#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tl = tapeless;
namespace fz = tapeless::test::fuzz;

namespace {

enum class kind { sgd, momentum, adam };

template <class T>
using pair = std::pair<tl::TensorView<T>, tl::TensorView<T const>>;

template <class Opt, class T>
void call_step(Opt& opt, std::vector<pair<T>> const& p) {
    switch (p.size()) {
    case 1: opt.step(p[0].first, p[0].second); break;
    case 2: opt.step(p[0].first, p[0].second, p[1].first, p[1].second); break;
    default: opt.step(p[0].first, p[0].second, p[1].first, p[1].second, p[2].first, p[2].second); break;
    }
}

// What the optimizer should hold: per bound pair, its parameter's storage and size and its state.
template <class T>
struct model {
    struct slot {
        T const* param;
        std::size_t size;
        std::vector<T> m, v;
    };
    std::vector<slot> slots;
    std::uint64_t t = 0;
};

template <kind K, class T>
struct fuzz_optimizer {
    using opt_t = std::conditional_t<K == kind::sgd, tl::optim::sgd<T>,
                                     std::conditional_t<K == kind::momentum, tl::optim::momentum<T>, tl::optim::adam<T>>>;
    static constexpr bool stateful = K != kind::sgd;
    static constexpr double tol = sizeof(T) == 4 ? 2e-5 : 1e-12;

    static void run(std::string const& name, std::size_t count) {
        fz::tally tally(name);
        for (std::size_t i = 0; i < count; ++i) one(tally, i);
    }

    static void one(fz::tally& tally, std::size_t i) {
        std::string const w0 = fz::where(tally.name(), i);
        fz::rng g = fz::input_rng(tally.name(), i);
        std::array<tl::Tensor<T>, 4> params;
        std::array<tl::Tensor<T>, 4> grads; // grads[k] fits params[k] until params[k] is resized
        auto fresh = [&](tl::shape s) {
            tl::Tensor<T> r(s.rows, s.cols);
            tapeless::test::fill_uniform(r, g, -1.0, 1.0);
            return r;
        };
        for (std::size_t k = 0; k < 4; ++k) {
            params[k] = fresh({fz::extent(g), fz::extent(g)});
            grads[k] = fresh(params[k].shape());
        }
        bool const nesterov = fz::chance(g, 0.5);
        opt_t opt = [&] {
            if constexpr (K == kind::sgd) return opt_t({.lr = T(0.1), .weight_decay = T(0.01)});
            else if constexpr (K == kind::momentum)
                return opt_t({.lr = T(0.1), .momentum = T(0.9), .nesterov = nesterov, .weight_decay = T(0.01)});
            else return opt_t({.lr = T(0.01), .weight_decay = T(0.01)});
        }();
        model<T> mdl;
        std::vector<std::size_t> first; // the parameters of the first step, in order

        for (int step = 0; step < 6; ++step) {
            std::string w = w0;
            w += ", step ";
            w += std::to_string(step);
            w += ':';
            if (fz::chance(g, 0.1)) { // a parameter resized: new storage
                std::size_t k = fz::below(g, 4);
                params[k] = fresh({fz::perturb(g, params[k].rows(), 0.5), fz::perturb(g, params[k].cols(), 0.5)});
                if (fz::chance(g, 0.7)) grads[k] = fresh(params[k].shape());
                w += " param ";
                w += std::to_string(k);
                w += " resized,";
            }
            if (fz::chance(g, 0.05)) {
                if constexpr (stateful) opt.reset();
                mdl = {};
                first.clear();
                w += " reset,";
            }
            // The pairs: usually the first step's parameters, else one to three from the pool.
            std::vector<std::size_t> pick = first;
            if (pick.empty() || fz::chance(g, 0.3)) {
                pick.resize(1 + fz::below(g, 3));
                for (auto& p : pick) p = fz::below(g, 4);
                if (!first.empty() && fz::chance(g, 0.5)) { // the first step's, swapped
                    pick = first;
                    std::swap(pick[0], pick[fz::below(g, pick.size())]);
                }
            }
            std::vector<pair<T>> pairs;
            std::vector<tl::Tensor<T>> odd; // gradients of random shapes
            odd.reserve(pick.size());
            for (std::size_t p : pick) {
                tl::TensorView<T> pv = params[p].view();
                if (fz::chance(g, 0.05) && pv.size() > 0) { // the same storage, other extents
                    std::size_t r = 1 + fz::below(g, pv.size());
                    std::size_t c = pv.size() / r;
                    pv = tl::TensorView<T>(params[p].data(), r, fz::chance(g, 0.5) ? c : fz::below(g, c + 1));
                }
                tl::TensorView<T const> gv = grads[p].view();
                if (gv.shape() != pv.shape() || fz::chance(g, 0.1)) {
                    tl::shape s = fz::chance(g, 0.5) ? pv.shape() : tl::shape{fz::extent(g), fz::extent(g)};
                    odd.push_back(fresh(s));
                    gv = odd.back().view();
                }
                pairs.emplace_back(pv, gv);
            }
            w += " pairs";
            for (std::size_t k = 0; k < pairs.size(); ++k) {
                w += ' ';
                w += std::to_string(pick[k]);
                w += ':';
                w += tl::to_string(pairs[k].first.shape());
                w += "/";
                w += tl::to_string(pairs[k].second.shape());
            }

            // The model's verdict and, if it accepts, the parameters it expects.
            fz::outcome want = fz::outcome::ok;
            for (auto const& [p, gr] : pairs)
                if (p.shape() != gr.shape()) want = fz::outcome::shape_error;
            if (want == fz::outcome::ok && stateful && !mdl.slots.empty()) {
                if (pairs.size() != mdl.slots.size()) want = fz::outcome::binding_error;
                else
                    for (std::size_t k = 0; k < pairs.size() && want == fz::outcome::ok; ++k) {
                        if (pairs[k].first.data() != mdl.slots[k].param) want = fz::outcome::binding_error;
                        else if (pairs[k].first.size() != mdl.slots[k].size) want = fz::outcome::shape_error;
                    }
            }
            model<T> next = mdl;
            std::map<T const*, std::vector<T>> values; // each parameter tensor's expected values
            for (auto const& t : params) values[t.data()].assign(t.data(), t.data() + t.size());
            if (want == fz::outcome::ok) apply(next, pairs, values, nesterov);

            std::vector<fz::snapshot<T>> before;
            for (auto const& t : params) before.emplace_back(t);
            std::uint64_t const count_before = step_count(opt);
            std::string msg;
            fz::outcome o = fz::run([&] { call_step(opt, pairs); }, msg, w);
            tally.add(o);
            if (o != want && o != fz::outcome::other)
                BOOST_ERROR(w << " " << fz::to_string(o) << " (" << msg << "), expected " << fz::to_string(want));
            if (o == fz::outcome::ok) {
                if (first.empty() || !stateful) first = pick;
                for (auto const& t : params) {
                    auto const& v = values[t.data()];
                    for (std::size_t k = 0; k < t.size(); ++k)
                        if (!fz::close(t.data()[k], v[k], tol)) {
                            BOOST_ERROR(w << " parameter element " << k << " = " << t.data()[k] << ", expected " << v[k]);
                            break;
                        }
                }
                mdl = std::move(next);
            } else {
                for (std::size_t k = 0; k < params.size(); ++k)
                    if (!before[k].unchanged(params[k])) BOOST_ERROR(w << " parameter " << k << " changed by a failed step");
                if (step_count(opt) != count_before) BOOST_ERROR(w << " step count changed by a failed step");
            }
            if (!stateful) first.clear();
        }
    }

    static std::uint64_t step_count(opt_t const& opt) {
        if constexpr (K == kind::adam) return opt.step_count();
        else return 0;
    }

    // The update of each pair in order, on `values`, as the optimizer's documentation states it.
    static void apply(model<T>& m, std::vector<pair<T>> const& pairs, std::map<T const*, std::vector<T>>& values,
                      bool nesterov) {
        if (stateful && m.slots.empty())
            for (auto const& pr : pairs)
                m.slots.push_back({pr.first.data(), pr.first.size(), std::vector<T>(pr.first.size()), std::vector<T>(pr.first.size())});
        ++m.t;
        for (std::size_t k = 0; k < pairs.size(); ++k) {
            T* p = values[pairs[k].first.data()].data();
            T const* gr = pairs[k].second.data();
            std::size_t const n = pairs[k].first.size();
            if constexpr (K == kind::sgd) {
                for (std::size_t j = 0; j < n; ++j) p[j] -= T(0.1) * (gr[j] + T(0.01) * p[j]);
            } else if constexpr (K == kind::momentum) {
                T* v = m.slots[k].m.data();
                for (std::size_t j = 0; j < n; ++j) {
                    T d = gr[j] + T(0.01) * p[j];
                    v[j] = T(0.9) * v[j] + d;
                    p[j] -= nesterov ? T(0.1) * (d + T(0.9) * v[j]) : T(0.1) * v[j];
                }
            } else {
                T const b1 = T(0.9), b2 = T(0.999), eps = T(1e-8), lr = T(0.01);
                double const bc1 = 1 - std::pow(double(b1), double(m.t));
                double const bc2 = 1 - std::pow(double(b2), double(m.t));
                T const a = T(double(lr) / bc1), c = T(1 / std::sqrt(bc2)), decay = T(1) - lr * T(0.01);
                T* mm = m.slots[k].m.data();
                T* vv = m.slots[k].v.data();
                for (std::size_t j = 0; j < n; ++j) {
                    T gi = gr[j];
                    mm[j] = b1 * mm[j] + (1 - b1) * gi;
                    vv[j] = b2 * vv[j] + (1 - b2) * gi * gi;
                    p[j] = decay * p[j] - a * mm[j] / (std::sqrt(vv[j]) * c + eps);
                }
            }
        }
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(fuzz_optimizers)

BOOST_AUTO_TEST_CASE(sgd) { fuzz_optimizer<kind::sgd, double>::run("sgd", fz::inputs(600)); }
BOOST_AUTO_TEST_CASE(momentum) { fuzz_optimizer<kind::momentum, double>::run("momentum", fz::inputs(600)); }
BOOST_AUTO_TEST_CASE(adam) { fuzz_optimizer<kind::adam, double>::run("adam", fz::inputs(600)); }
BOOST_AUTO_TEST_CASE(adam_float) { fuzz_optimizer<kind::adam, float>::run("adam_float", fz::inputs(600)); }

BOOST_AUTO_TEST_SUITE_END()
