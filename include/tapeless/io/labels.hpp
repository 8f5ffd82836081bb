//! @file Defines `detail::display_names<Nodes>()` and `detail::op_label`: the one place the reports
//! (`describe`, `explain`, `to_dot`) get the text that names a node or an op.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_IO_LABELS_HPP
#define TAPELESS_IO_LABELS_HPP

#include "../detail/type_list.hpp"
#include "print.hpp"

#include <array>
#include <string>
#include <string_view>

namespace tapeless::detail {

//! Each node's name, in list order. Today its full infix text; every report goes through here so
//! that shorter names (shared intermediates named once) reach them all by changing this function.
template <class... Ns>
std::array<std::string, sizeof...(Ns)> display_names(type_list<Ns...>) {
    return {to_string<Ns>()...};
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
