//! @file Defines `fuzz::expression`: one user-level function of tapeless, built on leaves with random
//! runtime extents and values, run through eval, value_and_grad or a compiled step, and checked
//! against the reference: the same result, or shape_error exactly when the reference refuses.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_FUZZ_EXPRESSION_HPP
#define TAPELESS_TEST_SUPPORT_FUZZ_EXPRESSION_HPP

#include "fuzz.hpp"
#include "fuzz_reference.hpp"

#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <array>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>

namespace tapeless::test::fuzz {

inline constexpr fixed_string<3> param_names[] = {"p0", "p1", "p2", "p3"};
inline constexpr fixed_string<3> input_names[] = {"i0", "i1", "i2", "i3"};

//! Extents for one input: `n` named extents from `extent`, each leaf's taken from them and, with
//! probability `p`, replaced by a random one, so both fitting and misfitting inputs are common.
struct extents {
    std::array<std::size_t, 4> e{};
    double p = 0.15;
    rng* g = nullptr;
    explicit extents(rng& gen, double miss = 0.15) : p(miss), g(&gen) {
        for (auto& x : e) x = extent(gen);
    }
    //! Extent `k`, perhaps replaced.
    std::size_t operator[](std::size_t k) { return perturb(*g, e[k], p); }
    //! Extent `k` or 1 (broadcast), perhaps replaced.
    std::size_t or1(std::size_t k) { return chance(*g, 0.3) ? perturb(*g, 1, p) : (*this)[k]; }
};

//! A case: `Np` params then `Ni` inputs of element type T (leaves p0.., i0..). The case supplies
//!   static std::array<shape, Np + Ni> shapes(rng&)
//!   static void fill(rng&, std::size_t leaf, Tensor<T>&)           (values)
//!   static auto build(leaves...)                                   (the library's expression)
//!   static ref reference(reference&, std::array<Tensor<T>, N> const&, refs...)
template <class T, std::size_t Np, std::size_t Ni, class Case>
class expression {
public:
    static constexpr std::size_t n = Np + Ni;

    explicit expression(std::string name, double tol = sizeof(T) == 4 ? 2e-4 : 1e-9)
        : tally_(std::move(name)), tol_(tol) {}

    //! `count` inputs; every third goes through eval, value_and_grad and a compiled step each.
    void run(std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) one(i);
    }

private:
    template <std::size_t I>
    static auto leaf(Tensor<T> const& t) {
        if constexpr (I < Np) return tapeless::param<param_names[I]>(t);
        else return tapeless::input<input_names[I - Np]>(t);
    }
    static auto leaves(std::array<Tensor<T>, n> const& ts) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) { return std::tuple{leaf<I>(ts[I])...}; }(
            std::make_index_sequence<n>{});
    }
    static auto params(auto const& all) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) { return std::tuple{std::get<I>(all)...}; }(
            std::make_index_sequence<Np>{});
    }
    static auto loss(auto const& e) { return tapeless::sum(tapeless::square(e)); }

    // The reference's value of the expression (or of its loss) and the gradients of the loss.
    struct expected {
        bool accepted = false;
        bool values_rejected = false;
        std::string why;
        tapeless::shape shape{};
        std::vector<double> value;
        double loss = 0;
        std::array<std::vector<double>, Np> grads;
    };

    expected compute_reference(std::array<Tensor<T>, n> const& ts) const {
        expected x;
        reference r;
        std::array<ref, n> leaf_refs;
        for (std::size_t k = 0; k < n; ++k) leaf_refs[k] = k < Np ? r.param(ts[k]) : r.input(ts[k]);
        try {
            ref e = std::apply([&](auto const&... l) { return Case::reference(r, ts, l...); }, leaf_refs);
            x.shape = e.shape();
            auto v = e.v.value();
            x.value.assign(v.data(), v.data() + v.size());
            ref l = ops::sum(ops::square(e));
            x.loss = l.v.item();
            r.backward(l);
            for (std::size_t k = 0; k < Np; ++k) {
                auto g = r.grad(leaf_refs[k]);
                x.grads[k].assign(g.data(), g.data() + g.size());
            }
            x.accepted = true;
        } catch (rejected const& e) {
            x.why = e.why;
            x.values_rejected = e.values;
        } catch (tapeless::error const& e) { // a rule of ours let through what the tape refuses
            BOOST_ERROR("fuzz reference: " << e.what());
            x.why = e.what();
        }
        return x;
    }

    template <class V>
    bool same(V const& got, tapeless::shape s, std::vector<double> const& want, std::string const& what,
              std::string const& w) const {
        if (tapeless::shape{got.rows(), got.cols()} != s) {
            BOOST_ERROR(w << ": " << what << " is " << tapeless::to_string(tapeless::shape{got.rows(), got.cols()}) << ", expected "
                          << tapeless::to_string(s));
            return false;
        }
        for (std::size_t k = 0; k < want.size(); ++k)
            if (!close(static_cast<double>(got.data()[k]), want[k], tol_)) {
                BOOST_ERROR(w << ": " << what << "[" << k << "] = " << got.data()[k] << ", expected " << want[k]);
                return false;
            }
        return true;
    }

    void one(std::size_t i) {
        std::string const w0 = where(tally_.name(), i);
        rng g = input_rng(tally_.name(), i);
        auto const shapes = Case::shapes(g);
        std::array<Tensor<T>, n> ts;
        for (std::size_t k = 0; k < n; ++k) {
            ts[k] = Tensor<T>(shapes[k].rows, shapes[k].cols);
            Case::fill(g, k, ts[k]);
        }
        std::string w = w0 + " (shapes";
        for (auto const& s : shapes) {
            w += ' '; // appended, not `literal + string`: GCC 12 -Wrestrict false positive
            w += tapeless::to_string(s);
        }
        w += ")";
        expected const want = compute_reference(ts);

        std::vector<snapshot<T>> before;
        for (auto const& t : ts) before.emplace_back(t);
        auto const all = leaves(ts);
        auto const ps = params(all);

        std::string msg;
        std::size_t const mode = below(g, 3);
        outcome o = fuzz::run(
            [&] {
                // Built inside: user-level calls check their arguments' extents when called.
                auto const e = std::apply([](auto const&... l) { return Case::build(l...); }, all);
                if (mode == 0) {
                    auto v = tapeless::eval(e);
                    same(v, want.shape, want.value, "eval", w);
                } else if (mode == 1) {
                    auto r = std::apply([&](auto const&... p) { return tapeless::value_and_grad(loss(e), p...); }, ps);
                    BOOST_TEST(close(std::get<0>(r), want.loss, tol_), w << ": value_and_grad: loss " << std::get<0>(r)
                                                                         << ", expected " << want.loss);
                    [&]<std::size_t... K>(std::index_sequence<K...>) {
                        (same(std::get<K + 1>(r), shapes[K], want.grads[K], std::string("gradient ") += std::to_string(K), w), ...);
                    }(std::make_index_sequence<Np>{});
                } else {
                    auto step = std::apply([&](auto const&... p) { return tapeless::compile(loss(e), p...); }, ps);
                    for (int run = 0; run < 2; ++run) {
                        step();
                        BOOST_TEST(close(step.value(), want.loss, tol_), w << ": compiled: loss " << step.value()
                                                                          << ", expected " << want.loss);
                        [&]<std::size_t... K>(std::index_sequence<K...>) {
                            (same(step.grad(std::get<K>(ps)), shapes[K], want.grads[K], std::string("gradient ") += std::to_string(K), w), ...);
                        }(std::make_index_sequence<Np>{});
                    }
                }
            },
            msg, w);
        tally_.add(o);
        outcome const expect = want.accepted          ? outcome::ok
                               : want.values_rejected ? outcome::value_error
                                                      : outcome::shape_error;
        if (o != expect && o != outcome::other)
            BOOST_ERROR(w << ": " << to_string(o) << (msg.empty() ? "" : " (" + msg + ")") << ", expected "
                          << to_string(expect) << (want.why.empty() ? "" : " (reference: " + want.why + ")"));
        for (std::size_t k = 0; k < n; ++k)
            if (!before[k].unchanged(ts[k])) BOOST_ERROR(w << ": leaf " << k << " was written to");
    }

    tally tally_;
    double tol_;
};

//! Uniform values in [lo, hi).
template <class T>
void fill(rng& g, Tensor<T>& t, double lo = -2.0, double hi = 2.0) {
    fill_uniform(t, g, lo, hi);
}

} // namespace tapeless::test::fuzz

#endif
