//! @file Defines `to_dot(expr)` and `to_dot(loss, w...)`: an expression's graph as Graphviz DOT
//! text (`dot -Tsvg`), each distinct subexpression one node; with leaves to differentiate, the
//! backward graph the compiler derives too, in a cluster of its own.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_DOT_HPP
#define TAPELESS_IO_DOT_HPP

#include "../graph/check.hpp"
#include "../graph/rebuild.hpp"
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

inline constexpr char const* graph_header =
    "digraph tapeless {\n  graph [charset=\"UTF-8\", fontname=\"Helvetica\", rankdir=TB];\n"
    "  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";

//! The DOT attributes of a leaf: parameters are boxes, inputs ellipses, scalars and constants plain.
inline char const* leaf_style(bool param, bool tensor) {
    return param    ? "shape=box, style=filled, fillcolor=\"#cfe2f3\""
           : tensor ? "shape=ellipse, style=filled, fillcolor=\"#eeeeee\""
                    : "shape=plaintext";
}

//! What the graph shows of one node, as plain data: the text is then written by one function for
//! every graph, not one per node type (compile time).
struct dot_facts {
    bool op = false, param = false, tensor = false; // an op node; a param leaf; a named leaf
    bool backward = false;
    char const* op_name = "";
    std::size_t nargs = 0;
    std::size_t arg[max_arity]{};
    bool reads[max_arity]{};
};

template <class N, class All, class Fwd>
constexpr dot_facts dot_facts_of() {
    dot_facts f;
    f.param = is_param_v<N>;
    f.tensor = is_leaf_v<N>;
    f.backward = index_of_v<N, Fwd> == npos;
    if constexpr (is_node_v<N>) {
        f.op = true;
        f.op_name = N::op::name;
        f.nargs = N::arity;
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((f.arg[K] = index_of_v<arg_t<K, N>, All>, f.reads[K] = N::op::reads(K)), ...);
        }(std::make_index_sequence<N::arity>{});
    }
    return f;
}

//! The graph text: node i from facts[i], labelled by names[i] (op nodes by their op, the name as
//! tooltip) and marked as an output when outputs[i] is not empty. Backward nodes, if any, form a
//! cluster of their own; an argument read for its shape only is a dashed edge.
inline std::string graph_text(dot_facts const* facts, std::string const* names, std::string const* outputs,
                              std::size_t n) {
    bool two = false;
    for (std::size_t i = 0; i < n; ++i) two = two || facts[i].backward;
    std::string out = graph_header;
    for (int part = 0; part < (two ? 2 : 1); ++part) {
        if (two)
            out += part == 0 ? "  subgraph cluster_forward {\n    label=\"forward\"; color=\"#4a6fa5\";\n"
                             : "  subgraph cluster_backward {\n    label=\"backward (derived)\"; color=\"#c0504d\";\n";
        for (std::size_t i = 0; i < n; ++i) {
            dot_facts const& f = facts[i];
            if (f.backward != (part == 1)) continue;
            std::string label = f.op ? std::string(op_label(f.op_name)) : names[i];
            out += "    n" + std::to_string(i) + " [label=" +
                   dot_quote(outputs[i].empty() ? label : outputs[i] + "\n" + label) + ", tooltip=" + dot_quote(names[i]);
            if (f.op) out += f.backward ? ", shape=ellipse, style=filled, fillcolor=\"#fde9d9\"" : ", shape=ellipse";
            else out += std::string(", ") + leaf_style(f.param, f.tensor);
            if (!outputs[i].empty()) out += ", peripheries=2";
            out += "];\n";
        }
        if (two) out += "  }\n";
    }
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < facts[i].nargs; ++k)
            out += "  n" + std::to_string(facts[i].arg[k]) + " -> n" + std::to_string(i) +
                   (!facts[i].reads[k] ? " [style=dashed]" : facts[i].backward ? " [color=\"#c0504d\"]" : "") + ";\n";
    return out + "}\n";
}

//! The graph of the nodes `All`, those not in `Fwd` drawn as the backward cluster.
template <class Fwd, class... Ns>
std::string graph_dot(type_list<Ns...>, std::array<std::string, sizeof...(Ns)> const& outputs) {
    static constexpr std::array<dot_facts, sizeof...(Ns)> facts{dot_facts_of<Ns, type_list<Ns...>, Fwd>()...};
    auto const names = defined_names(report_names<type_list<Ns...>>());
    return graph_text(facts.data(), names.data(), outputs.data(), sizeof...(Ns));
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
    (void)std::initializer_list<int>{((void)wrt_check<Loss, Wrt>::ok, 0)...};
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
