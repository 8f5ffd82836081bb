//! @file Defines `to_dot(expr)` and `to_dot(loss, w...)`: an expression's graph as Graphviz DOT
//! text (`dot -Tsvg`), each distinct subexpression one node; with leaves to differentiate, the
//! backward graph the compiler derives too, in a cluster of its own.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_DOT_HPP
#define TAPELESS_IO_DOT_HPP

#include "../graph/adjoint.hpp"
#include "../graph/topological_order.hpp"
#include "labels.hpp"

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace tapeless {

namespace detail {
//! `s` as the inside of a DOT string: quotes and backslashes escaped, newlines as `\n`. UTF-8
//! passes through (the graphs declare charset=UTF-8).
inline std::string dot_escape(std::string_view s) {
    std::string r;
    r.reserve(s.size());
    for (char c : s) {
        if (c == '"' || c == '\\') r += '\\';
        if (c == '\n') r += "\\n";
        else r += c;
    }
    return r;
}

//! `"text"`, escaped.
inline std::string dot_quote(std::string_view s) { return '"' + dot_escape(s) + '"'; }

//! Long names cut to `max` characters (whole UTF-8 sequences) with an ellipsis: a label must fit a
//! box, the full name is in the node's tooltip.
inline std::string dot_shorten(std::string const& s, std::size_t max = 48) {
    std::size_t chars = 0, at = 0;
    for (; at < s.size(); ++at) {
        if ((static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) continue; // continuation byte
        if (chars++ == max) return s.substr(0, at) + "…";
    }
    return s;
}

//! The DOT attributes of a leaf: parameters are boxes, inputs ellipses, scalars and constants plain.
template <class N>
std::string leaf_style() {
    if constexpr (is_param_v<N>) return "shape=box, style=filled, fillcolor=\"#cfe2f3\"";
    else if constexpr (is_leaf_v<N>) return "shape=ellipse, style=filled, fillcolor=\"#eeeeee\"";
    else return "shape=plaintext";
}

inline constexpr char const* graph_header =
    "digraph tapeless {\n  graph [charset=\"UTF-8\", fontname=\"Helvetica\", rankdir=TB];\n"
    "  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";

//! One node's statement: id, label, tooltip, leaf style or op style.
template <class N>
std::string dot_node(std::size_t i, std::string const& name, std::string const& output, bool backward) {
    std::string label;
    if constexpr (is_node_v<N>) label = op_label(N::op::name);
    else label = name;
    std::string s = "    n" + std::to_string(i) + " [label=" +
                    dot_quote(output.empty() ? label : output + "\n" + label) + ", tooltip=" + dot_quote(name);
    if constexpr (is_node_v<N>)
        s += backward ? ", shape=ellipse, style=filled, fillcolor=\"#fde9d9\"" : ", shape=ellipse";
    else s += ", " + leaf_style<N>();
    if (!output.empty()) s += ", peripheries=2";
    return s + "];\n";
}

//! Argument -> consumer edges of node i; an argument read for its shape only is dashed.
template <class N, class All>
std::string dot_edges(std::size_t i, bool backward) {
    std::string s;
    if constexpr (is_node_v<N>)
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((s += "  n" + std::to_string(index_of_v<arg_t<K, N>, All>) + " -> n" + std::to_string(i) +
                   (!N::op::reads(K) ? " [style=dashed]" : backward ? " [color=\"#c0504d\"]" : "") + ";\n"),
             ...);
        }(std::make_index_sequence<N::arity>{});
    return s;
}

//! The graph of the nodes `All`, those not in `Fwd` drawn as the backward cluster; `outputs[i]`
//! labels node i as an output ("∂loss/∂w1"), when not empty.
template <class Fwd, class... Ns>
std::string graph_dot(type_list<Ns...> all, std::array<std::string, sizeof...(Ns)> const& outputs) {
    auto names = display_names(all);
    constexpr std::array<bool, sizeof...(Ns)> backward{(index_of_v<Ns, Fwd> == npos)...};
    constexpr bool two = any_of({(index_of_v<Ns, Fwd> == npos)...});
    // Tables of per-type functions, not folds: clang caps a fold at 256 operands (deep networks).
    constexpr std::array node_fns{&dot_node<Ns>...};
    constexpr std::array edge_fns{&dot_edges<Ns, type_list<Ns...>>...};
    std::string out = graph_header;
    for (int part = 0; part < (two ? 2 : 1); ++part) {
        if (two)
            out += part == 0 ? "  subgraph cluster_forward {\n    label=\"forward\"; color=\"#4a6fa5\";\n"
                             : "  subgraph cluster_backward {\n    label=\"backward (derived)\"; color=\"#c0504d\";\n";
        for (std::size_t i = 0; i < sizeof...(Ns); ++i)
            if (backward[i] == (part == 1)) out += node_fns[i](i, names[i], outputs[i], backward[i]);
        if (two) out += "  }\n";
    }
    for (std::size_t i = 0; i < sizeof...(Ns); ++i) out += edge_fns[i](i, backward[i]);
    return out + "}\n";
}
} // namespace detail

//! The graph of `e` as DOT: one node per distinct subexpression (equal subexpressions are one
//! node), arguments pointing at what reads them. Parameters are blue boxes, inputs grey ellipses;
//! ops are labelled by their symbol, with the subexpression as tooltip.
template <expression E>
std::string to_dot(E const&) {
    using all = nodes_t<E>;
    std::array<std::string, all::size> outputs{};
    outputs[all::size - 1] = "output";
    return detail::graph_dot<all>(all{}, outputs);
}

//! The graph of `loss` and of the gradients with respect to `wrt...` as the compiler derives them
//! (`gradient_t`): forward nodes in one cluster, the backward nodes they lead to in another (red),
//! each gradient marked "∂loss/∂w".
template <expression Loss, expression... Wrt>
    requires(sizeof...(Wrt) > 0)
std::string to_dot(Loss const&, Wrt const&...) {
    (void)std::initializer_list<int>{(check_wrt<Loss, Wrt>(), 0)...};
    using fwd = nodes_t<Loss>;
    using all = nodes_t<Loss, gradient_t<Loss, Wrt>...>;
    std::array<std::string, all::size> outputs{};
    auto mark = [&](std::size_t i, std::string const& what) {
        outputs[i] += outputs[i].empty() ? what : ", " + what;
    };
    mark(detail::index_of_v<Loss, all>, "loss");
    (void)std::initializer_list<int>{
        (mark(detail::index_of_v<gradient_t<Loss, Wrt>, all>, "∂loss/∂" + std::string(Wrt::name.view())), 0)...};
    return detail::graph_dot<fwd>(all{}, outputs);
}

} // namespace tapeless

#endif
