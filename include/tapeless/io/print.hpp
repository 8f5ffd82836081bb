//! @file Defines `to_string(expr)` and `to_string<E>()`: an expression, or a derived gradient, as
//! one line of text with the README's symbols (· matrix product, ⊙ elementwise product, ᵀ
//! transpose), followed by the definitions of its shared intermediates:
//!
//!     xᵀ·((2/N)u2·w2ᵀ ⊙ 𝟙[u1 > 0])
//!       where u1 = x·w1 + b1
//!             u2 = relu(u1)·w2 + b2 - y
//!             N = size(u2)
//!
//! uk names a subexpression the formula reads more than once, N an element count (see
//! io/names.hpp, and io/formula.hpp for how each op reads). `to_string(e)` also knows the extents
//! bound to e's leaves and the values of its scalars, so it can tell a column sum Σᵢ(...) from a
//! plain copy and print 0.01 where `to_string<E>()`, from the type alone, prints s0.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_PRINT_HPP
#define TAPELESS_IO_PRINT_HPP

#include "formula.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tapeless {

//! Plain-text notation for `formulas` (see io/formula.hpp).
struct text_notation {
    static constexpr char const* hadamard = " ⊙ ";
    static constexpr char const* matmul = "·";
    static constexpr char const* greater_equal = " ≥ ";
    static constexpr char const* juxtaposition = "";
    static constexpr char const* number_times = "·"; // 2·0.01: a product of 1x1 values
    static constexpr char const* maps_to = " ↦ ";
    static std::string layers(std::size_t n) { return "; " + std::to_string(n) + " layers"; }
    static std::string leaf(std::string_view name) { return std::string(name); }
    static std::string scalar(int id) { return detail::numbered("s", std::size_t(id)); }
    static formula_piece constant(long p, long q) {
        if (q == 1) return {std::to_string(p), 4};
        return {std::to_string(p) + "/" + std::to_string(q), 2};
    }
    static std::string shared_name(std::size_t k) { return detail::numbered("u", k); }
    static std::string count_name(std::size_t k) { return k == 1 ? "N" : detail::numbered("N", k); }
    static formula_piece count_fraction(long p, long q, std::string const& n) {
        return {std::to_string(p) + "/" + (q == 1 ? n : detail::numbered("(", std::size_t(q)) + n + ")"), 2};
    }
    static std::string function(std::string_view name) { return std::string(name); }
    static formula_piece divide(formula_piece const& a, formula_piece const& b) {
        return {(a.precedence < 3 ? "(" + a.text + ")" : a.text) + "/" + (b.precedence < 4 ? "(" + b.text + ")" : b.text), 2};
    }
    static formula_piece transposed(formula_piece const& a) { return {atom(a) + "ᵀ", 4}; }
    static formula_piece power(formula_piece const& base, formula_piece const& e) {
        return {atom(base) + (e.text == "2" ? std::string("²") : std::string("^") + atom(e)), 4};
    }
    static formula_piece absolute(std::string const& x) { return {"|" + x + "|", 4}; }
    static formula_piece root(std::string const& x) { return {"√(" + x + ")", 4}; }
    static formula_piece indicator(std::string const& condition) { return {"𝟙[" + condition + "]", 4}; }
    static formula_piece leaky_step(std::string const& x, std::string const& slope) {
        return {"(" + x + " > 0 ? 1 : " + slope + ")", 4};
    }
    static std::string sum(summed s) { return s == summed::all ? "Σ" : s == summed::rows ? "Σᵢ" : "Σⱼ"; }
    static std::string row_max() { return "maxⱼ"; }
    static std::string sigma() { return "σ"; }
    static std::string with_definitions(std::string formula, std::vector<std::pair<std::string, std::string>> const& defs) {
        for (std::size_t k = 0; k < defs.size(); ++k)
            formula += (k ? "\n        " : "\n  where ") + defs[k].first + " = " + defs[k].second;
        return formula;
    }

private:
    static std::string atom(formula_piece const& p) { return p.precedence < 4 ? "(" + p.text + ")" : p.text; }
};

//! The expression type E as text (see the top of this file); scalars print as s0, s1, ...
template <class E>
std::string to_string() {
    return detail::render_expression<E, text_notation>(nullptr);
}
//! The expression `e` as text, with its leaves' extents and its scalars' values.
template <expression E>
std::string to_string(E const& e) {
    return detail::render_expression<E, text_notation>(&e);
}

} // namespace tapeless

#endif
