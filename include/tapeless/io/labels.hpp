//! @file Defines `detail::report_names<Nodes>()`, `detail::full_names`, `detail::where_block` and
//! `detail::op_label`: the one place the reports (`describe`, `explain`, `to_dot`, `check_finite`)
//! get the text that names a node or an op.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_LABELS_HPP
#define TAPELESS_IO_LABELS_HPP

#include "../detail/type_list.hpp"
#include "formula.hpp"
#include "print.hpp"

#include <array>
#include <span>
#include <string>
#include <string_view>

namespace tapeless::detail {

//! Every node named as the formulas name it: shared intermediates u1, u2, ... (their definitions
//! in `.definitions`), every other node its formula over those names. With the shapes a step is
//! bound with, sums and counts read as they do in `to_string(expr)` (Σᵢ, N).
template <class Nodes>
named_nodes<Nodes> report_names(std::span<shape const> bound = {}) {
    if (bound.size() != Nodes::size) return display_names<Nodes>();
    std::array<shape, Nodes::size> shapes{};
    for (std::size_t i = 0; i < Nodes::size; ++i) shapes[i] = bound[i];
    return display_names<Nodes>(shapes);
}

//! Each node as a formula of its own, definitions included: for a message that names one value.
template <class... Ns>
std::array<std::string, sizeof...(Ns)> full_names(type_list<Ns...>) {
    return {to_string<Ns>()...};
}

//! The definitions as lines "<indent>where u1 = ...", "<indent>      u2 = ..."; empty if none.
template <class Nodes>
std::string where_block(named_nodes<Nodes> const& n, std::string_view indent) {
    std::string out;
    for (std::size_t k = 0; k < n.definitions.size(); ++k) {
        out += indent;
        out += k == 0 ? "where " : "      ";
        out += n.definitions[k].first + " = " + n.definitions[k].second + "\n";
    }
    return out;
}

//! The names with each shared intermediate's definition spelled out ("u1 = x·w1 + b1"): for a
//! picture, where no list of definitions is read first.
template <class Nodes>
std::array<std::string, Nodes::size> defined_names(named_nodes<Nodes> const& n) {
    std::array<std::string, Nodes::size> out = n.names;
    for (auto& name : out)
        for (auto const& [u, formula] : n.definitions)
            if (name == u) name = u + " = " + formula;
    return out;
}

//! An op as drawn on a graph node: the usual symbol where there is one, else the op's name.
inline std::string_view op_label(std::string_view name) {
    if (name == "matmul") return "·";
    if (name == "add") return "+";
    if (name == "sub") return "−";
    if (name == "mul") return "⊙";
    if (name == "div") return "÷";
    if (name == "neg") return "−x";
    if (name == "transpose") return "ᵀ";
    return name;
}

} // namespace tapeless::detail

#endif
