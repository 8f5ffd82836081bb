//! @file Defines `to_latex(expr)` and `to_latex<E>()`: an expression, or a derived gradient, as a
//! LaTeX math formula followed by its definitions, the same reading as `to_string`:
//!
//!     x^\top \cdot (\frac{2}{N} u_{2} \cdot w_{2}^\top \odot \mathbb{1}[u_{1} > 0])
//!     \quad\text{where}\quad \begin{aligned} u_{1} &= x \cdot w_{1} + b_{1} \\ ... \\ N &= \operatorname{size}(u_{2}) \end{aligned}
//!
//! (on one line). Functions without a LaTeX command are `\operatorname{relu}`, ...; a runtime
//! scalar is its value, or `s_{0}`, `s_{1}`, ... from the type alone.
//!
//! Leaves keep their names, trailing digits as a subscript (`w1` -> `w_{1}`; a longer stem is set
//! upright: `labels` -> `\mathrm{labels}`); `\cdot` is the matrix product, `\odot` the elementwise
//! one, `^\top` the transpose, `\mathbb{1}[...]` an indicator, `\sum_i` / `\sum_j` sums over rows
//! / columns. For display math (inside `$$...$$` or `\[...\]`); needs amsmath (aligned), and a
//! blackboard 1 for `\mathbb{1}` (MathJax and KaTeX have one; in LaTeX, e.g. the bbold package).
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_LATEX_HPP
#define TAPELESS_IO_LATEX_HPP

#include "formula.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tapeless {

//! LaTeX notation for `formulas` (see io/formula.hpp).
struct latex_notation {
    static constexpr char const* hadamard = " \\odot ";
    static constexpr char const* matmul = " \\cdot ";
    static constexpr char const* greater_equal = " \\geq ";
    static constexpr char const* juxtaposition = " ";
    static constexpr char const* number_times = " \\cdot ";
    static constexpr char const* maps_to = " \\mapsto ";
    static std::string layers(std::size_t n) { return ";\\ " + std::to_string(n) + "\\ \\text{layers}"; }
    static std::string leaf(std::string_view name) {
        std::size_t d = name.size();
        while (d > 1 && name[d - 1] >= '0' && name[d - 1] <= '9') --d;
        std::string_view stem = name.substr(0, d), digits = name.substr(d);
        std::string s = stem.size() == 1 ? escape(stem) : std::string("\\mathrm{") + escape(stem) + "}";
        return digits.empty() ? s : s + "_{" + std::string(digits) + "}";
    }
    static std::string scalar(int id) { return detail::numbered("s_{", std::size_t(id), "}"); }
    static formula_piece constant(long p, long q) {
        if (q == 1) return {std::to_string(p), 4};
        return {detail::numbered("\\frac{", std::size_t(p), "}") + detail::numbered("{", std::size_t(q), "}"), 4};
    }
    static std::string shared_name(std::size_t k) { return detail::numbered("u_{", k, "}"); }
    static std::string count_name(std::size_t k) { return k == 1 ? "N" : detail::numbered("N_{", k, "}"); }
    static formula_piece count_fraction(long p, long q, std::string const& n) {
        return {detail::numbered("\\frac{", std::size_t(p), "}{") + (q == 1 ? n : std::to_string(q) + n) + "}", 4};
    }
    static std::string function(std::string_view name) {
        for (std::string_view known : {"exp", "log", "tanh", "max", "min"})
            if (name == known) return std::string("\\") + std::string(name);
        return std::string("\\operatorname{") + escape(name) + "}";
    }
    static formula_piece divide(formula_piece const& a, formula_piece const& b) {
        return {"\\frac{" + a.text + "}{" + b.text + "}", 4};
    }
    static formula_piece transposed(formula_piece const& a) { return {base(a) + "^\\top", 4}; }
    static formula_piece power(formula_piece const& b, formula_piece const& e) { return {base(b) + "^{" + e.text + "}", 4}; }
    static formula_piece absolute(std::string const& x) { return {"\\lvert " + x + " \\rvert", 4}; }
    static formula_piece root(std::string const& x) { return {"\\sqrt{" + x + "}", 4}; }
    static formula_piece indicator(std::string const& condition) { return {"\\mathbb{1}[" + condition + "]", 4}; }
    static formula_piece leaky_step(std::string const& x, std::string const& slope) {
        return {"\\begin{cases} 1 & " + x + " > 0 \\\\ " + slope + " & \\text{otherwise} \\end{cases}", 4};
    }
    static std::string sum(summed s) { return s == summed::all ? "\\sum" : s == summed::rows ? "\\sum_i" : "\\sum_j"; }
    static std::string row_max() { return "\\max_j"; }
    static std::string sigma() { return "\\sigma"; }
    static std::string with_definitions(std::string formula, std::vector<std::pair<std::string, std::string>> const& defs) {
        if (defs.empty()) return formula;
        formula += " \\quad\\text{where}\\quad \\begin{aligned}";
        for (std::size_t k = 0; k < defs.size(); ++k)
            formula += (k ? " \\\\ " : " ") + defs[k].first + " &= " + defs[k].second;
        return formula + " \\end{aligned}";
    }

private:
    static std::string escape(std::string_view s) {
        std::string r;
        for (char c : s) {
            if (c == '_' || c == '#' || c == '%' || c == '&' || c == '$' || c == '{' || c == '}') r += '\\';
            r += c;
        }
        return r;
    }
    // A superscript on something that has one already, or is not a single token, needs a group.
    static std::string base(formula_piece const& p) {
        std::string s = p.precedence < 4 ? "(" + p.text + ")" : p.text;
        return s.find('^') != std::string::npos ? "{" + s + "}" : s;
    }
};

//! The expression type E as LaTeX (see the top of this file); scalars print as s_{0}, s_{1}, ...
template <class E>
std::string to_latex() {
    return detail::render_expression<E, latex_notation>(nullptr);
}
//! The expression `e` as LaTeX, with its leaves' extents and its scalars' values.
template <expression E>
std::string to_latex(E const& e) {
    return detail::render_expression<E, latex_notation>(&e);
}

} // namespace tapeless

#endif
