//! @file Defines `formulas<Nodes, Notation>`: every node of an expression DAG rendered once, in a
//! notation (text: io/print.hpp, LaTeX: io/latex.hpp), as a reader would write it, against the
//! names of `naming<Nodes>` (io/names.hpp). The printers and `display_names` are built on it.
//!
//! What each op looks like is decided here, once for both notations:
//! - `step(z)` (relu's derivative) is the indicator 𝟙[z > 0]; `equal`, `ge` are 𝟙[a = b], 𝟙[a ≥ b];
//!   `column_index` is the column index j (so a one-hot mask reads 𝟙[j = labels]);
//! - `expand(v, like)` is v: broadcasting is implicit in the notation;
//! - `sum_to(g, domain, like)` is what it sums: Σᵢ(g) down the rows (to a row vector), Σⱼ(g) along
//!   the columns, Σ(g) to 1x1, g itself when nothing is summed. Which extents are summed comes
//!   from the shapes: static ones, or the leaves' runtime extents when an expression object is
//!   printed. When they cannot tell, it stays `sum_to(g, like)`: g summed to like's shape;
//! - `inv_count` is 1/N with N defined after the formula (N = size(x), rows(x) or cols(x)), and a
//!   constant times it is folded: 2 ⊙ inv_size(...) is 2/N;
//! - x ⊙ x is x², `sum`, `sum_rows`, `sum_cols` are Σ, Σⱼ, Σᵢ; `max_rows` is maxⱼ;
//! - constants and counts multiply by juxtaposition ((2/N)u2, 2x), -1 ⊙ x is -x.
//! Precedence: sums < products (⊙, ·, /, juxtaposition) < unary minus < atoms; right operands of
//! - and of products are parenthesised when they are sums or products.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_FORMULA_HPP
#define TAPELESS_IO_FORMULA_HPP

#include "../graph/rebuild.hpp"
#include "../ops/abs.hpp"
#include "../ops/add.hpp"
#include "../ops/attention.hpp"
#include "../ops/column_index.hpp"
#include "../ops/div.hpp"
#include "../ops/dropout.hpp"
#include "../ops/embedding.hpp"
#include "../ops/equal.hpp"
#include "../ops/exp.hpp"
#include "../ops/expand.hpp"
#include "../ops/gelu.hpp"
#include "../ops/ge.hpp"
#include "../ops/inv_count.hpp"
#include "../ops/layer_norm.hpp"
#include "../ops/leaky_relu.hpp"
#include "../ops/leaky_step.hpp"
#include "../ops/log.hpp"
#include "../ops/log1p.hpp"
#include "../ops/matmul.hpp"
#include "../ops/max_rows.hpp"
#include "../ops/maximum.hpp"
#include "../ops/minimum.hpp"
#include "../ops/mul.hpp"
#include "../ops/neg.hpp"
#include "../ops/pow.hpp"
#include "../ops/relu.hpp"
#include "../ops/repeat.hpp"
#include "../ops/sigmoid.hpp"
#include "../ops/sign.hpp"
#include "../ops/softplus.hpp"
#include "../ops/sqrt.hpp"
#include "../ops/square.hpp"
#include "../ops/step.hpp"
#include "../ops/stop_gradient.hpp"
#include "../ops/sub.hpp"
#include "../ops/sum.hpp"
#include "../ops/sum_cols.hpp"
#include "../ops/sum_rows.hpp"
#include "../ops/sum_to.hpp"
#include "../ops/tanh.hpp"
#include "../ops/transpose.hpp"
#include "../expr/stack.hpp"
#include "../graph/derive.hpp"
#include "../graph/symbolic_shape.hpp"
#include "../graph/topological_order.hpp"
#include "names.hpp"

#include <array>
#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tapeless {

struct text_notation;  // io/print.hpp
struct latex_notation; // io/latex.hpp

//! A rendered (sub)formula and how tightly it binds: 1 sum, 2 product, 3 unary minus, 4 atom.
struct formula_piece {
    std::string text;
    int precedence = 4;
    bool elementwise = false; //!< a ⊙ b or a / b: parenthesised left of a matrix product
    bool scaled = false;      //!< (2/N)u: a 1x1 factor commutes, so -(2/N)u needs no parentheses
    bool minus = false;       //!< "-" then a term: a + -b reads a - b
};

//! Which extents a sum adds up, as far as the shapes tell.
enum class summed {
    nothing, //!< equal shapes: a copy, not shown
    rows,    //!< down the rows, to a row vector: Σᵢ
    cols,    //!< along the columns, to a column vector: Σⱼ
    all,     //!< to 1x1: Σ
    unknown  //!< runtime extents not known: sum_to(g, like)
};

namespace detail {
inline constexpr int prec_sum = 1, prec_product = 2, prec_negation = 3, prec_atom = 4;

// Extent by extent: summed when `like` has 1 where the domain may not; kept when they agree.
constexpr summed summed_extents(shape domain, shape like, bool same_rows, bool same_cols) {
    auto one = [](std::size_t like_e, std::size_t dom_e, bool same) {
        if (same || (like_e != dynamic && like_e == dom_e)) return 0; // kept
        if (like_e == 1) return 1;                                    // summed (Σ over 1 row is that row)
        return 2;                                                     // unknown
    };
    int r = one(like.rows, domain.rows, same_rows), c = one(like.cols, domain.cols, same_cols);
    if (r == 2 || c == 2) return summed::unknown;
    return r ? (c ? summed::all : summed::rows) : (c ? summed::cols : summed::nothing);
}

// Multiplies by juxtaposition: constants, counts and their 1x1 products (2/N, 2·0.01).
template <class E>
inline constexpr bool is_factor_v = is_constant_v<E> || is_count_v<E>;
template <auto A, auto B>
inline constexpr bool is_factor_v<node<op::mul, A, B>> =
    (is_factor_v<arg_type<A>> || is_scalar_v<arg_type<A>>) && (is_factor_v<arg_type<B>> || is_scalar_v<arg_type<B>>) &&
    (is_factor_v<arg_type<A>> || is_factor_v<arg_type<B>>);

// prefix + k + suffix, appended: "u" + std::to_string(k) (a literal plus a temporary string)
// trips a false -Wrestrict in GCC 12 at -O3; so does any "literal" + temporary here.
inline std::string numbered(char const* prefix, std::size_t k, char const* suffix = "") {
    std::string s(prefix);
    s += std::to_string(k);
    s += suffix;
    return s;
}

// -p. A scaled product keeps its precedence: -(2/N)u·w stays a product, parenthesised as one.
inline formula_piece negated(formula_piece const& p) {
    if (p.minus) return {p.text.substr(1), p.precedence == prec_negation ? prec_atom : p.precedence, p.elementwise, p.scaled};
    if (p.scaled) return {"-" + p.text, prec_product, p.elementwise, true, true};
    return {std::string("-") + (p.precedence < prec_negation ? "(" + p.text + ")" : p.text), prec_negation, false, false, true};
}

// Shortest exact text of a runtime scalar ("0.01").
template <class T>
std::string number_text(T v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}
} // namespace detail

//! Every node of `Nodes` (see `naming`) rendered once in `Notation`. Build it with `render()`,
//! after setting the leaves' `shapes` and the scalars' `values` where they are known at run time;
//! then `ref(i)` is how node i appears inside another (its name if it has one), `own(i)` its own
//! formula, and `definitions()` the names to list after a formula.
namespace detail {
template <class E, class Notation>
std::string render_expression(E const* e);

template <class N>
inline constexpr bool is_repeat_node_v = false;
template <class Spec, auto... A>
inline constexpr bool is_repeat_node_v<node<op::repeat<Spec>, A...>> = true;
} // namespace detail

template <class Nodes, class Notation>
struct formulas {
    using names = naming<Nodes>;
    static constexpr std::size_t size = Nodes::size;

    std::array<formula_piece, size> own_text{};
    std::array<shape, size> shapes{}; //!< leaves': set before render(); nodes': computed
    std::array<std::string, size> values{}; //!< runtime scalars' values, where known
    std::array<std::size_t, size> layers = [] { //!< a repeat's layers, where its stacks are bound
        std::array<std::size_t, size> a{};
        for (auto& n : a) n = detail::npos;
        return a;
    }();
    //! uk of each named node, numbered in evaluation order as it renders (u1, u2, ... without gaps).
    std::array<std::size_t, size> number{};
    //! Nodes shown as exactly one of their arguments (set by render()): they take its name.
    std::array<std::size_t, size> same_as = [] {
        std::array<std::size_t, size> a{};
        a.fill(detail::npos);
        return a;
    }();

    formulas() { init(Nodes{}); }

    void render() { render_all(Nodes{}); }

    formula_piece ref(std::size_t i) const {
        if (same_as[i] != detail::npos) return ref(same_as[i]);
        if (names::shared[i]) return {Notation::shared_name(number[i]), detail::prec_atom};
        if (names::count[i]) return Notation::count_fraction(1, 1, Notation::count_name(names::count[i]));
        return own_text[i];
    }
    formula_piece const& own(std::size_t i) const { return own_text[i]; }

    //! (name, formula) of each named node that is shown: u1, u2, ... then N, N2, ...
    std::vector<std::pair<std::string, std::string>> definitions() const {
        std::vector<std::pair<std::string, std::string>> d;
        for (std::size_t i = 0; i < size; ++i)
            if (names::shared[i] && same_as[i] == detail::npos) d.emplace_back(Notation::shared_name(number[i]), own_text[i].text);
        for (std::size_t i = 0; i < size; ++i)
            if (names::count[i]) d.emplace_back(Notation::count_name(names::count[i]), own_text[i].text);
        return d;
    }

private:
    template <class... Ns>
    void init(detail::type_list<Ns...>) {
        shapes = {Ns::static_shape...};
    }
    // Through a table of functions, not a fold: a fold over graph-sized packs nests (see type_list).
    template <class... Ns>
    void render_all(detail::type_list<Ns...>) {
        using fn = void (*)(formulas&);
        static constexpr fn table[] = {&formulas::template render_node<Ns>..., nullptr};
        for (std::size_t i = 0, k = 0; i < size; ++i) {
            table[i](*this); // reads the numbers of earlier nodes only
            if (names::shared[i] && same_as[i] == detail::npos) number[i] = ++k;
        }
    }

    template <class A>
    static constexpr std::size_t at = detail::index_of_v<A, Nodes>;

    static std::string wrap(formula_piece const& p, int min) {
        return p.precedence < min ? "(" + p.text + ")" : p.text;
    }
    template <std::size_t K, class N>
    formula_piece arg() const {
        return ref(at<arg_t<K, N>>);
    }
    template <std::size_t K, class N>
    std::string arg(int min) const {
        return wrap(arg<K, N>(), min);
    }
    template <class N>
    std::string call(std::string_view fname) const {
        std::string s = Notation::function(fname) + "(";
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((s += K ? ", " : "", s += arg<K, N>().text), ...);
        }(std::make_index_sequence<N::arity>{});
        return s + ")";
    }
    // What a count counts, past unnamed nodes with that extent: size(x²) = size(x), rows(a ⊙ b) =
    // rows(a) when the shapes say a has the rows of a ⊙ b. Only through elementwise ops and
    // reductions that keep the extent, so it never walks far.
    template <class X, count_of Of>
    std::size_t count_source() const {
        constexpr std::size_t i = at<X>;
        if constexpr (!is_node_v<X>) {
            return i;
        } else {
            constexpr shape_rule rule = X::op::shape;
            constexpr bool keeps = rule == shape_rule::broadcast || (Of == count_of::rows && rule == shape_rule::column) ||
                                   (Of == count_of::cols && rule == shape_rule::row);
            if constexpr (!keeps) {
                return i;
            } else {
                if (names::shared[i]) return i;
                auto extent = [](shape s) {
                    return Of == count_of::size ? s : Of == count_of::rows ? shape{s.rows, 0} : shape{0, s.cols};
                };
                bool const known = shapes[i].rows != dynamic && shapes[i].cols != dynamic;
                std::size_t r = i;
                [&]<std::size_t... K>(std::index_sequence<K...>) {
                    ((r == i && X::op::reads(K) &&
                              (X::arity == 1 || (known && extent(shapes[at<arg_t<K, X>>]) == extent(shapes[i])))
                          ? (void)(r = count_source<arg_t<K, X>, Of>())
                          : (void)0),
                     ...);
                }(std::make_index_sequence<X::arity>{});
                return r;
            }
        }
    }
    // `factor` (a constant or a count) times `t`.
    template <class F>
    formula_piece times(formula_piece const& t) const {
        if constexpr (is_constant_v<F>) {
            return []<long P, long Q>(constant<P, Q>, formula_piece const& t) -> formula_piece {
                if constexpr (P < 0) {
                    return detail::negated(P == -1 && Q == 1 ? t : juxtapose(Notation::constant(-P, Q), t));
                } else {
                    return juxtapose(Notation::constant(P, Q), t);
                }
            }(F{}, t);
        } else {
            return juxtapose(ref(at<F>), t);
        }
    }
    static formula_piece juxtapose(formula_piece const& f, formula_piece const& t) {
        if (f.minus) return detail::negated(juxtapose(detail::negated(f), t)); // -(1/N)u, not (-(1/N))u
        if (t.minus) return detail::negated(juxtapose(f, detail::negated(t))); // -2x, not 2·-x
        std::string ts = wrap(t, detail::prec_product);
        bool digit = !ts.empty() && (ts[0] == '-' || (ts[0] >= '0' && ts[0] <= '9'));
        return {wrap(f, detail::prec_atom) + (digit ? Notation::number_times : Notation::juxtaposition) + ts,
                detail::prec_product, t.elementwise && t.precedence >= detail::prec_product, true};
    }

    template <class N>
    static void render_node(formulas& f) {
        constexpr std::size_t i = at<N>;
        if constexpr (is_leaf_v<N>) {
            f.own_text[i] = {Notation::leaf(N::name.view()), detail::prec_atom};
        } else if constexpr (is_scalar_v<N>) {
            if constexpr (requires { N::name; }) f.own_text[i] = {Notation::leaf(N::name.view()), detail::prec_atom};
            else if (f.values[i].empty()) f.own_text[i] = {Notation::scalar(N::id), detail::prec_atom};
            else if (f.values[i][0] == '-') f.own_text[i] = {f.values[i], detail::prec_negation, false, false, true};
            else f.own_text[i] = {f.values[i], detail::prec_atom};
        } else if constexpr (is_constant_v<N>) {
            f.own_text[i] = []<long P, long Q>(constant<P, Q>) -> formula_piece {
                formula_piece c = Notation::constant(P < 0 ? -P : P, Q);
                if constexpr (P < 0) return detail::negated(c);
                else return c;
            }(N{});
        } else {
            [&]<std::size_t... K>(std::index_sequence<K...>) {
                if (shape_result r = infer_shape(N::op::shape, f.shapes[at<arg_t<K, N>>]...); r.ok()) f.shapes[i] = r.value;
            }(std::make_index_sequence<N::arity>{});
            f.own_text[i] = f.template node_text<N>();
            // A broadcast, or a sum over nothing at these shapes, of a named value is that value:
            // no second name for it (u6 = u5).
            if constexpr (is_op_v<N, op::expand> || is_op_v<N, op::sum_to>) {
                constexpr std::size_t x = at<arg_t<0, N>>;
                if ((names::shared[x] || f.same_as[x] != detail::npos) && f.own_text[i].text == f.ref(x).text)
                    f.same_as[i] = x;
            }
        }
    }

    template <class N>
    formula_piece node_text() const {
        using Op = typename N::op;
        using namespace detail;
        if constexpr (is_op_v<N, op::add> || is_op_v<N, op::sub>) {
            formula_piece b = arg<1, N>();
            bool minus = is_op_v<N, op::sub>;
            if (b.minus) { // a + -b is a - b
                minus = !minus;
                b = negated(b);
            }
            return {arg<0, N>(prec_sum) + (minus ? " - " : " + ") + wrap(b, prec_product), prec_sum};
        } else if constexpr (is_op_v<N, op::mul>) {
            using A = arg_t<0, N>;
            using B = arg_t<1, N>;
            if constexpr (TAPELESS_SAME(A, B)) return Notation::power(arg<0, N>(), Notation::constant(2, 1));
            else if constexpr (is_constant_v<A> && is_count_v<B>) return fraction<A, B>();
            else if constexpr (is_count_v<A> && is_constant_v<B>) return fraction<B, A>();
            else if constexpr (is_factor_v<A> && !is_factor_v<B>) return times<A>(arg<1, N>());
            else if constexpr (is_factor_v<B>) return times<B>(arg<0, N>());
            else {
                // A broadcast 1 (the seed of a sum's adjoint) times x is x.
                formula_piece a = arg<0, N>(), b = arg<1, N>();
                if (a.text == "1") return b;
                if (b.text == "1") return a;
                return {wrap(a, prec_product) + Notation::hadamard + wrap(b, prec_negation), prec_product, true};
            }
        } else if constexpr (is_op_v<N, op::matmul>) {
            // a ⊙ b·c would read as a ⊙ (b·c) to some: the elementwise product gets parentheses.
            formula_piece a = arg<0, N>();
            return {(a.elementwise ? "(" + a.text + ")" : wrap(a, prec_product)) + Notation::matmul + arg<1, N>(prec_negation),
                    prec_product};
        } else if constexpr (is_op_v<N, op::div>) {
            formula_piece q = Notation::divide(arg<0, N>(), arg<1, N>());
            q.elementwise = q.precedence == prec_product;
            return q;
        } else if constexpr (is_op_v<N, op::neg>) {
            formula_piece a = arg<0, N>();
            return negated(a);
        } else if constexpr (is_op_v<N, op::transpose>) {
            return Notation::transposed(arg<0, N>());
        } else if constexpr (is_op_v<N, op::square>) {
            return Notation::power(arg<0, N>(), Notation::constant(2, 1));
        } else if constexpr (is_op_v<N, op::pow>) {
            return Notation::power(arg<0, N>(), arg<1, N>());
        } else if constexpr (is_op_v<N, op::abs>) {
            return Notation::absolute(arg<0, N>().text);
        } else if constexpr (is_op_v<N, op::sqrt>) {
            return Notation::root(arg<0, N>().text);
        } else if constexpr (is_op_v<N, op::step>) {
            return Notation::indicator(arg<0, N>().text + " > 0");
        } else if constexpr (is_op_v<N, op::equal>) {
            return Notation::indicator(arg<0, N>().text + " = " + arg<1, N>().text);
        } else if constexpr (is_op_v<N, op::ge>) {
            return Notation::indicator(arg<0, N>().text + Notation::greater_equal + arg<1, N>().text);
        } else if constexpr (is_op_v<N, op::leaky_step>) {
            return Notation::leaky_step(arg<0, N>().text, arg<1, N>().text);
        } else if constexpr (is_op_v<N, op::column_index>) {
            return {"j", prec_atom};
        } else if constexpr (is_op_v<N, op::sum>) {
            return {Notation::sum(summed::all) + "(" + arg<0, N>().text + ")", prec_atom};
        } else if constexpr (is_op_v<N, op::sum_rows>) {
            return {Notation::sum(summed::cols) + "(" + arg<0, N>().text + ")", prec_atom};
        } else if constexpr (is_op_v<N, op::sum_cols>) {
            return {Notation::sum(summed::rows) + "(" + arg<0, N>().text + ")", prec_atom};
        } else if constexpr (is_op_v<N, op::max_rows>) {
            return {Notation::row_max() + "(" + arg<0, N>().text + ")", prec_atom};
        } else if constexpr (is_op_v<N, op::expand>) {
            return arg<0, N>();
        } else if constexpr (is_op_v<N, op::sum_to>) {
            using D = arg_t<1, N>;
            using L = arg_t<2, N>;
            using SD = sym::shape_t<D>;
            using SL = sym::shape_t<L>;
            summed what = summed_extents(shapes[at<D>], shapes[at<L>], TAPELESS_SAME(typename SD::rows, typename SL::rows),
                                         TAPELESS_SAME(typename SD::cols, typename SL::cols));
            if (what == summed::nothing) return arg<0, N>();
            if (what == summed::unknown)
                return {Notation::function("sum_to") + "(" + arg<0, N>().text + ", " + arg<2, N>().text + ")", prec_atom};
            return {Notation::sum(what) + "(" + arg<0, N>().text + ")", prec_atom};
        } else if constexpr (is_count_v<N>) {
            constexpr count_of of = Op::count;
            std::string what = of == count_of::size ? "size" : of == count_of::rows ? "rows" : "cols";
            return {Notation::function(what) + "(" + ref(count_source<arg_t<0, N>, of>()).text + ")", prec_atom};
        } else if constexpr (is_repeat_node_v<N>) {
            // The block once, as a function of h, then what it is applied to and how often.
            std::string block = render_expression<typename Op::spec::body, Notation>(nullptr);
            std::size_t const n = layers[at<N>];
            return {Notation::function("repeat") + "(" + Notation::leaf("h") + Notation::maps_to + block + ", " +
                        arg<0, N>().text + (n == npos ? std::string() : Notation::layers(n)) + ")",
                    prec_atom};
        } else if constexpr (is_op_v<N, op::sigmoid>) {
            return {Notation::sigma() + "(" + arg<0, N>().text + ")", prec_atom};
        } else if constexpr (is_op_v<N, op::maximum> || is_op_v<N, op::minimum>) {
            return {call<N>(is_op_v<N, op::maximum> ? "max" : "min"), prec_atom};
        } else {
            return {call<N>(Op::name), prec_atom};
        }
    }

    // c/N, folded from c ⊙ inv_count.
    template <class C, class Count>
    formula_piece fraction() const {
        return []<long P, long Q>(constant<P, Q>, std::string const& n) -> formula_piece {
            formula_piece f = Notation::count_fraction(P < 0 ? -P : P, Q, n);
            if constexpr (P < 0) return detail::negated(f);
            else return f;
        }(C{}, Notation::count_name(names::count[at<Count>]));
    }
};

namespace detail {
// Records the leaves' runtime extents and the scalars' values, from the expression's leaf table
// (and a repeat's layers, from the length of its stacks).
template <class F, class E>
void record_bindings(E const& e, F& f) {
    using Nodes = typename F::names::nodes;
    detail::for_each_leaf(e, [&]<class L>(L const& l) {
        constexpr std::size_t i = index_of_v<L, Nodes>;
        if constexpr (is_stack_v<L>) {
            constexpr std::size_t holder = wrt_record<L, Nodes>();
            if constexpr (holder != npos) f.layers[holder] = l.rows;
        } else if constexpr (i == npos) return;
        else if constexpr (is_leaf_v<L>) {
            if (l.data != nullptr || l.source.tracked()) f.shapes[i] = {l.rows, l.cols};
        } else {
            f.values[i] = detail::number_text(l.value);
        }
    });
}

// The formula of the last node of E's DAG, then its definitions, in Notation.
template <class E, class Notation>
std::string render_expression(E const* e) {
    using Nodes = nodes_t<E>;
    formulas<Nodes, Notation> f;
    if (e) detail::record_bindings(*e, f);
    f.render();
    constexpr std::size_t root = Nodes::size - 1;
    return Notation::with_definitions(naming<Nodes>::count[root] ? f.ref(root).text : f.own(root).text, f.definitions());
}
} // namespace detail

//! Short display names for the nodes of `Nodes` (a type_list of distinct nodes, each after its
//! arguments: `nodes_t<E>` or a compiled plan's `nodes`), for printers that show nodes one by one
//! (plan dumps, graphs): `names[i]` is uk for a shared intermediate, else node i's formula written
//! with those names; `definitions` lists (uk, formula) then (N, size(...)). How a sum_to reads
//! (Σᵢ, Σⱼ, ...) depends on shapes: the static ones, or `shapes[i]` for node i when given (a
//! compiled step knows every node's runtime extents). Example, the seed network:
//!   auto d = tapeless::display_names<detail::nodes_of<plan>>(); // LaTeX: <..., latex_notation>
//!   d.names[i] == "u1", d.definitions[0] == {"u1", "x·w1 + b1"}
template <class Nodes>
struct named_nodes {
    std::array<std::string, Nodes::size> names;
    std::vector<std::pair<std::string, std::string>> definitions;
};
template <class Nodes, class Notation = text_notation>
named_nodes<Nodes> display_names(std::array<shape, Nodes::size> const* shapes = nullptr) {
    formulas<Nodes, Notation> f;
    if (shapes) f.shapes = *shapes;
    f.render();
    named_nodes<Nodes> r;
    for (std::size_t i = 0; i < Nodes::size; ++i) r.names[i] = f.ref(i).text;
    r.definitions = f.definitions();
    return r;
}
template <class Nodes, class Notation = text_notation>
named_nodes<Nodes> display_names(std::array<shape, Nodes::size> const& shapes) {
    return display_names<Nodes, Notation>(&shapes);
}

} // namespace tapeless

#endif
