//! @file The harness of tests/oracles: one generic check of an op of the expression layer against
//! two independent oracles, the runtime tape (`tapeless::tape`, its own derivative rules) and a
//! long double reference written from the textbook formula.
// SPDX-License-Identifier: BSL-1.0
//
// An op is described by a struct (a "case"):
//
//     struct exp_case {
//         static constexpr char const* name = "exp";
//         static constexpr auto layouts = make_layouts(lay(ext::mn)); // argument extents; [0] also static
//         static constexpr std::array domains{any};                     // where each argument is drawn
//         static auto expr(auto const& x) { return tl::exp(x); }     // the expression layer
//         static auto tape(auto&, auto const& x) { return tp::exp(x); } // the tape
//         static ld ref(ld x) { return std::exp(x); }                // elementwise reference, or
//         // static ref_matrix reference(auto const& args, dims)      // a whole-tensor one
//     };
//
// and `check_op<exp_case, K>()` then, for float and double, for every size of `runtime_dims` and every
// layout, with runtime extents (Tensor<T>), and for one type and size of `static_dims` with static
// extents (Tensor<T, R, C>, layouts[0]), checks:
//   * the op's value from the expression layer against the tape's, and against the reference;
//   * L = Σ op(args) ⊙ R (R a fixed random tensor, so every Jacobian entry matters): the compiled
//     loss and its gradient with respect to every param argument against the tape's backward sweep.
// The op's value is read as dL/dR, which is the op's own forward buffer, so one compiled plan per
// instantiation serves value and gradients (compile time is the budget of this folder).
// Optional members of a case: `inputs` (arguments that are data, not params), `prepare(args)` (to
// adjust the drawn arguments), `tolerance_factor`, `reference_ulps`, `static_layouts`.
#ifndef TAPELESS_TEST_ORACLES_ORACLE_HPP
#define TAPELESS_TEST_ORACLES_ORACLE_HPP

#include "support/gradcheck.hpp"
#include "support/random.hpp"

#include <tapeless/tape/all.hpp>
#include <tapeless/tapeless.hpp>

// The tape is instantiated once, in tape_instances.cpp: in every file it would cost ~15 s.
extern template class tapeless::tape::tape<float>;
extern template class tapeless::tape::tape<double>;

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <ostream>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace tapeless::test::oracle {

namespace tp = tapeless::tape;
using ld = long double;

//! The extents of one check: the output is m x n in most cases, k is the inner extent of products.
struct dims {
    std::size_t m, k, n;
};
inline std::ostream& operator<<(std::ostream& os, dims d) { return os << "m=" << d.m << " k=" << d.k << " n=" << d.n; }

//! Runtime extents checked for every case and layout: 1x1 up to a few hundred, and the
//! 200x300·300x50 product.
inline constexpr dims runtime_dims[] = {{1, 1, 1}, {7, 5, 3}, {64, 20, 33}, {300, 40, 17}, {200, 300, 50}};
//! Static extents: each one is a separate instantiation (about 2 s of compile time with g++ -O3), so
//! each case gets one, `check_op<Case, K>` choosing the type and size from K: numbering the cases of
//! a file 0, 1, 2, ... covers both types at every size.
inline constexpr dims static_dims[] = {{1, 1, 1}, {7, 5, 3}, {64, 20, 33}, {300, 40, 17}};

//! How an argument's extents follow the dims.
enum class ext : unsigned char { mn, row, col, one, mk, kn, km, nk, nm, nn };

constexpr shape extents(ext e, dims d) {
    switch (e) {
    case ext::mn: return {d.m, d.n};
    case ext::row: return {1, d.n};
    case ext::col: return {d.m, 1};
    case ext::one: return {1, 1};
    case ext::mk: return {d.m, d.k};
    case ext::kn: return {d.k, d.n};
    case ext::km: return {d.k, d.m};
    case ext::nk: return {d.n, d.k};
    case ext::nm: return {d.n, d.m};
    case ext::nn: return {d.n, d.n};
    }
    return {0, 0};
}

//! How an argument's elements are drawn.
enum class fill : unsigned char {
    uniform,   // uniform on [lo, hi)
    nonzero,   // uniform, then moved to at least 0.1 from 0 (kinks of relu, abs; the pole of 1/x)
    grid_a,    // uniform, then put on (j + 1/4)/8: never within 1/16 of a grid_b value (max/min ties)
    grid_b,    // uniform, then put on (j + 3/4)/8
    labels     // a class index in [0, n), as a whole number of the element type
};
struct domain {
    double lo = -2, hi = 2;
    fill how = fill::uniform;
};
inline constexpr domain any{};
inline constexpr domain positive{0.2, 3};
inline constexpr domain nonzero{-2, 2, fill::nonzero};
inline constexpr domain wide{-8, 8}; // the tails of sigmoid, softplus and the losses on logits
inline constexpr domain unit{0, 1};
inline constexpr domain labels{0, 1, fill::labels};

inline void draw(Tensor<double>& t, domain dom, dims d, rng& g) {
    for (std::size_t k = 0; k < t.size(); ++k) {
        double u = uniform01(g), v = dom.lo + (dom.hi - dom.lo) * u;
        switch (dom.how) {
        case fill::uniform: break;
        case fill::nonzero:
            if (std::abs(v) < 0.1) v += v < 0 ? -0.1 : 0.1;
            break;
        case fill::grid_a: v = (std::floor(v * 8) + 0.25) / 8; break;
        case fill::grid_b: v = (std::floor(v * 8) + 0.75) / 8; break;
        case fill::labels: v = std::min(std::floor(u * double(d.n)), double(d.n - 1)); break;
        }
        t.data()[k] = v;
    }
}

//! A long double matrix for references.
struct ref_matrix {
    std::size_t rows = 0, cols = 0;
    std::vector<ld> v;
    ref_matrix() = default;
    ref_matrix(std::size_t r, std::size_t c) : rows(r), cols(c), v(r * c, 0) {}
    ld& operator()(std::size_t i, std::size_t j) { return v[i * cols + j]; }
    ld operator()(std::size_t i, std::size_t j) const { return v[i * cols + j]; }
    //! Element (i, j) with extents of 1 repeated (broadcasting).
    [[nodiscard]] ld at(std::size_t i, std::size_t j) const {
        return v[(rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j)];
    }
};
template <class X>
ref_matrix to_ref(X const& x) {
    ref_matrix r(x.rows(), x.cols());
    for (std::size_t k = 0; k < x.size(); ++k) r.v[k] = static_cast<ld>(x.data()[k]);
    return r;
}
//! The references of matmul-like cases: op(a)·op(b) in long double.
inline ref_matrix product(ref_matrix const& a, bool ta, ref_matrix const& b, bool tb) {
    std::size_t const m = ta ? a.cols : a.rows, k = ta ? a.rows : a.cols, n = tb ? b.rows : b.cols;
    ref_matrix c(m, n);
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            ld s = 0;
            for (std::size_t l = 0; l < k; ++l) s += (ta ? a(l, i) : a(i, l)) * (tb ? b(j, l) : b(l, j));
            c(i, j) = s;
        }
    return c;
}

//! One layout: the extents of each argument. `make_layouts(lay(ext::mn, ext::row), ...)`.
template <class... E>
constexpr std::array<ext, sizeof...(E)> lay(E... e) {
    return {e...};
}
template <std::size_t N, class... L>
constexpr std::array<std::array<ext, N>, 1 + sizeof...(L)> make_layouts(std::array<ext, N> first, L... rest) {
    return {first, rest...};
}

//! What a case's `tape` gets besides the argument vars: the tape, views of the arguments, and
//! storage for tensors it must make (one-hot masks, numbers as 1 x 1 inputs).
template <class T>
struct tape_context {
    tp::tape<T>& t;
    std::array<TensorView<T const>, 5> views;
    std::deque<Tensor<T>> kept{};
    tp::var<T> constant(Tensor<T> x) {
        kept.push_back(std::move(x));
        return t.input(kept.back());
    }
    tp::var<T> number(double v) { return constant(Tensor<T>(1, 1, static_cast<T>(v))); }
};

//! Tolerance of expression against tape (relative to the largest magnitude of each tensor): both
//! compute in T, in different orders; a wrong rule is off by O(1).
template <class T>
inline constexpr double tolerance = std::is_same_v<T, float> ? 2e-5 : 1e-12;

template <class Case>
inline constexpr std::size_t arity = Case::layouts[0].size();

template <class Case>
constexpr bool is_input(std::size_t i) {
    if constexpr (requires { Case::inputs; }) return Case::inputs[i];
    else return false;
}
template <class Case>
constexpr double tolerance_factor() {
    if constexpr (requires { Case::tolerance_factor; }) return Case::tolerance_factor;
    else return 1.0;
}

//! The indices of the param arguments, as an index_sequence (inputs get no gradient).
template <class Case>
constexpr auto param_indices() {
    constexpr std::size_t N = arity<Case>;
    constexpr std::size_t count = [] {
        std::size_t c = 0;
        for (std::size_t i = 0; i < N; ++i) c += is_input<Case>(i) ? 0 : 1;
        return c;
    }();
    constexpr auto idx = [] {
        std::array<std::size_t, count> a{};
        std::size_t c = 0;
        for (std::size_t i = 0; i < N; ++i)
            if (!is_input<Case>(i)) a[c++] = i;
        return a;
    }();
    return [&]<std::size_t... J>(std::index_sequence<J...>) { return std::index_sequence<idx[J]...>{}; }(
        std::make_index_sequence<count>{});
}

inline constexpr fixed_string<3> arg_names[] = {"a0", "a1", "a2", "a3", "a4"};

template <class Case, std::size_t I, class X>
auto leaf_of(X const& x) {
    if constexpr (is_input<Case>(I)) return input<arg_names[I]>(x);
    else return param<arg_names[I]>(x);
}

//! The reference value of the case on the (rounded) arguments, and whether it is elementwise
//! (compared element by element, relative to each element) or not (relative to the largest).
template <class Case, std::size_t... I>
ref_matrix reference_of(std::array<ref_matrix, sizeof...(I)> const& a, dims d, std::index_sequence<I...>) {
    if constexpr (requires { Case::reference(a, d); }) {
        return Case::reference(a, d);
    } else {
        std::size_t const r = std::max({a[I].rows...}), c = std::max({a[I].cols...});
        ref_matrix out(r, c);
        for (std::size_t i = 0; i < r; ++i)
            for (std::size_t j = 0; j < c; ++j) out(i, j) = Case::ref(a[I].at(i, j)...);
        return out;
    }
}
//! Worst |got - ref| over |ref| (elementwise) or over max |ref| (otherwise); reports where.
template <class V>
void compare_with_reference(V const& got, ref_matrix const& ref, bool elementwise, double tol) {
    BOOST_TEST_REQUIRE(got.rows() == ref.rows);
    BOOST_TEST_REQUIRE(got.cols() == ref.cols);
    ld largest = 0;
    for (ld x : ref.v) largest = std::max(largest, std::abs(x));
    ld worst = 0;
    std::size_t where = 0;
    for (std::size_t k = 0; k < ref.v.size(); ++k) {
        ld const g = static_cast<ld>(got.data()[k]), e = ref.v[k];
        ld const err = std::abs(g - e), scale = elementwise ? std::abs(e) : largest;
        ld const rel = err == 0 ? 0 : (scale == 0 || std::isnan(err) ? std::numeric_limits<ld>::infinity() : err / scale);
        if (rel > worst || std::isnan(g)) {
            worst = std::isnan(g) ? std::numeric_limits<ld>::infinity() : rel;
            where = k;
        }
    }
    BOOST_TEST_CONTEXT("value against the long double reference, worst at element (" << where / ref.cols << ", "
                                                                                       << where % ref.cols << "): got "
                                                                                       << got.data()[where] << ", exact "
                                                                                       << double(ref.v[where])) {
        BOOST_TEST(double(worst) <= tol);
    }
}

//! The check of one case at element type T, argument static shapes S..., extents d, one layout.
template <class Case, class T, shape... S, std::size_t... I>
void check_one(std::index_sequence<I...> seq, dims d, std::array<ext, sizeof...(S)> const& layout, std::uint64_t seed) {
    constexpr std::size_t N = sizeof...(S);
    double const tol = tolerance<T> * tolerance_factor<Case>();

    // The arguments, drawn in double and rounded to T: every oracle starts from the rounded values.
    rng g(seed);
    std::array<Tensor<double>, N> drawn;
    for (std::size_t i = 0; i < N; ++i) {
        shape const e = extents(layout[i], d);
        drawn[i] = Tensor<double>(e.rows, e.cols);
        draw(drawn[i], Case::domains[i], d, g);
    }
    if constexpr (requires { Case::prepare(drawn); }) Case::prepare(drawn);
    std::tuple<Tensor<T, S.rows, S.cols>...> args{Tensor<T, S.rows, S.cols>(drawn[I].rows(), drawn[I].cols())...};
    (std::transform(drawn[I].data(), drawn[I].data() + drawn[I].size(), std::get<I>(args).data(),
                    [](double x) { return static_cast<T>(x); }),
     ...);

    // The tape: its value, then the loss Σ out ⊙ R and its backward sweep.
    tp::tape<T> t;
    tape_context<T> ctx{t, {TensorView<T const>(std::get<I>(args))...}};
    std::array<tp::var<T>, N> vars{(is_input<Case>(I) ? t.input(ctx.views[I]) : t.param(ctx.views[I]))...};
    tp::var<T> const out = Case::tape(ctx, vars[I]...);
    Tensor<T> r(out.rows(), out.cols());
    fill_uniform(r, g);
    tp::var<T> const tape_loss = tp::sum(out * t.input(r));
    t.backward(tape_loss);

    // The expression layer: the same loss, compiled with the gradient of every param and of R.
    auto leaves = std::tuple{leaf_of<Case, I>(std::get<I>(args))...};
    auto op = Case::expr(std::get<I>(leaves)...);
    constexpr shape os = decltype(op)::static_shape;
    Tensor<T, os.rows, os.cols> rs(r.rows(), r.cols());
    std::copy_n(r.data(), r.size(), rs.data());
    auto R = param<"r">(rs);
    auto loss = tapeless::sum(op * R);
    auto step = [&]<std::size_t... P>(std::index_sequence<P...>) {
        return tapeless::compile(loss, std::get<P>(leaves)..., R);
    }(param_indices<Case>());
    step();

    auto const value = step.grad(R); // dL/dR = the op's value
    BOOST_TEST_CONTEXT("value against the tape") { BOOST_TEST(relative_error(value, out.value()) <= tol); }
    ld scale = 0;
    for (std::size_t k = 0; k < r.size(); ++k) scale += std::abs(ld(out.value().data()[k]) * ld(r.data()[k]));
    BOOST_TEST_CONTEXT("loss against the tape: " << step.value() << " vs " << tape_loss.item()) {
        BOOST_TEST(double(std::abs(ld(step.value()) - ld(tape_loss.item()))) <= tol * double(std::max(scale, ld(1e-30))));
    }
    auto gradient = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
        if constexpr (!is_input<Case>(J)) {
            // A broadcast operand's gradient sums out.size() / arg.size() terms: float rounding
            // grows like the square root of that (a 1 x 1 operand of a 200 x 50 output: 1e-4).
            double const terms = double(out.value().size()) / double(std::max<std::size_t>(1, vars[J].value().size()));
            double const tol_grad = std::is_same_v<T, float> ? tol * std::max(1.0, std::sqrt(terms) / 4) : tol;
            BOOST_TEST_CONTEXT("gradient of argument " << J << " against the tape") {
                BOOST_TEST(relative_error(step.grad(std::get<J>(leaves)), t.grad(vars[J])) <= tol_grad);
            }
        }
    };
    (gradient(std::integral_constant<std::size_t, I>{}), ...);

    if constexpr (requires { &Case::ref; } ||
                  requires { Case::reference(std::declval<std::array<ref_matrix, N> const&>(), std::declval<dims>()); }) {
        std::array<ref_matrix, N> exact{to_ref(std::get<I>(args))...};
        constexpr bool elementwise = requires { &Case::ref; };
        double ulps = elementwise ? 8 : 256;
        if constexpr (requires { Case::reference_ulps; }) ulps = Case::reference_ulps;
        compare_with_reference(value, reference_of<Case>(exact, d, seq), elementwise,
                               ulps * std::numeric_limits<T>::epsilon());
    }
}

template <class Case, class T, dims D, std::size_t L>
void check_static(std::uint64_t seed) {
    constexpr auto layout = Case::layouts[L];
    [&]<std::size_t... I>(std::index_sequence<I...> seq) {
        BOOST_TEST_CONTEXT("static extents, " << D << ", layout " << L) {
            check_one<Case, T, extents(layout[I], D)...>(seq, D, layout, seed);
        }
    }(std::make_index_sequence<arity<Case>>{});
}

template <std::size_t>
inline constexpr shape runtime_shape{dynamic, dynamic};

template <class Case>
constexpr auto static_layouts() {
    if constexpr (requires { Case::static_layouts; }) return Case::static_layouts;
    else return std::array<std::size_t, 1>{0};
}

template <class Case, class T, dims D, std::size_t... L>
void check_static_layouts(std::uint64_t& seed, std::index_sequence<L...>) {
    constexpr auto layouts = static_layouts<Case>();
    (check_static<Case, T, D, layouts[L]>(seed++), ...);
}

template <class Case, class T>
void check_runtime(char const* type_name) {
    BOOST_TEST_CONTEXT(Case::name << " in " << type_name) {
        std::uint64_t seed = 1;
        [&]<std::size_t... I>(std::index_sequence<I...> seq) {
            for (dims d : runtime_dims)
                for (std::size_t l = 0; l < Case::layouts.size(); ++l)
                    BOOST_TEST_CONTEXT("runtime extents, " << d << ", layout " << l) {
                        check_one<Case, T, runtime_shape<I>...>(seq, d, Case::layouts[l], seed++);
                    }
        }(std::make_index_sequence<arity<Case>>{});
    }
}

//! Every check of one case: float and double with runtime extents at every size of
//! `runtime_dims` and every layout; then static extents once, in double for even K and float for
//! odd K, at static_dims[K / 2 % 4] (so cases numbered 0..7 in a file cover all eight).
template <class Case, std::size_t K>
void check_op() {
    check_runtime<Case, float>("float");
    check_runtime<Case, double>("double");
    using T = std::conditional_t<K % 2 == 0, double, float>;
    BOOST_TEST_CONTEXT(Case::name << " in " << (K % 2 == 0 ? "double" : "float")) {
        std::uint64_t seed = 1000;
        check_static_layouts<Case, T, static_dims[K / 2 % 4]>(seed, std::make_index_sequence<static_layouts<Case>().size()>{});
    }
}

//! The layouts of a unary elementwise case: a matrix, a row, a column.
inline constexpr auto unary_layouts = make_layouts(lay(ext::mn), lay(ext::row), lay(ext::col));

} // namespace tapeless::test::oracle

//! A unary elementwise case `NAME_case`: x drawn from DOMAIN, the op EXPR(x) against TAPE(x) and
//! against the long double REF(x).
#define TAPELESS_ORACLE_UNARY(NAME, DOMAIN, EXPR, TAPE, REF)                                                 \
    struct NAME##_case {                                                                                      \
        static constexpr char const* name = #NAME;                                                            \
        static constexpr auto layouts = ::tapeless::test::oracle::unary_layouts;                             \
        static constexpr std::array domains{DOMAIN};                                                          \
        static auto expr(auto const& x) { return EXPR; }                                                      \
        static auto tape(auto&, auto const& x) { return TAPE; }                                               \
        static ::tapeless::test::oracle::ld ref(::tapeless::test::oracle::ld x) { return REF; }              \
    };

#endif
