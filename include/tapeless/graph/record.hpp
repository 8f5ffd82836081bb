//! @file Defines `record`, one node of a graph as plain constexpr data, and `op_fact`, what the
//! passes over records need to know of an op.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RECORD_HPP
#define TAPELESS_GRAPH_RECORD_HPP

#include "../detail/type_list.hpp"
#include "../ops/traits.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

// Why records: the reverse sweep, simplification and CSE used to build expression *types*, whose
// template argument lists carry the whole graph; every step of the derivation was an
// instantiation over them. On records the same steps are constexpr loops over small structs, and
// a graph's size costs constant-evaluation steps, not types.
namespace tapeless::detail {

enum class record_kind : std::uint8_t { leaf, scalar, constant, node };

//! One node: a leaf or runtime scalar (its `slot` in the leaf table), a rational constant
//! `num/den`, or op `op` (an index into the graph's op list) on `nargs` earlier records.
//! `ext` names its extents symbolically: equal ids, equal extents for every binding of the leaves
//! (see `extent_term`). Shapes are 2-D today; a batch dimension adds entries to `stat` and `ext`.
struct record {
    record_kind kind = record_kind::node;
    std::uint16_t op = 0;
    std::uint8_t nargs = 0;
    std::uint32_t arg[max_arity]{};
    std::uint32_t slot = 0;
    long num = 0, den = 1;
    shape stat{0, 0};
    std::uint32_t ext[2]{0, 0};

    //! Same node: what interning (common-subexpression elimination) compares. `ext` and `stat`
    //! follow from the rest.
    [[nodiscard]] constexpr bool same(record const& o) const {
        if (kind != o.kind || op != o.op || nargs != o.nargs || slot != o.slot || num != o.num || den != o.den)
            return false;
        for (std::size_t k = 0; k < nargs; ++k)
            if (arg[k] != o.arg[k]) return false;
        return true;
    }
    [[nodiscard]] constexpr bool unit() const { return stat.rows == 1 && stat.cols == 1; }
};

//! A symbolic extent: a static value, a leaf's own runtime extent, or the broadcast of two others.
struct extent_term {
    enum tag_t : std::uint8_t { fixed, of_leaf, broadcast } tag = fixed;
    std::size_t a = 0, b = 0; // fixed: (value, -); of_leaf: (slot, dim); broadcast: (term, term)
    constexpr bool operator==(extent_term const&) const = default;
};

//! What the passes over records need of an op: the op contract of `ops/traits.hpp` as values.
struct op_fact {
    char const* name = "";
    op_kind kind{};
    shape_rule rule{};
    bool reads[max_arity]{true, true, true, true};
    int cost = 1;
    std::size_t domain_arg = 0;
    bool indexes_columns = false;
    bool copies = false;
    bool counts = false;
    count_of count{};
    //! An op's own check of its arguments' bound shapes beyond its shape rule (`Op::check`), or null.
    char const* (*check)(shape const*, std::size_t) = nullptr;
};

template <class Op>
constexpr op_fact fact_of() {
    op_fact f;
    f.name = Op::name;
    f.kind = Op::kind;
    f.rule = Op::shape;
    for (std::size_t k = 0; k < max_arity; ++k) f.reads[k] = Op::reads(k);
    f.cost = Op::cost;
    if constexpr (requires { Op::domain_arg; }) f.domain_arg = Op::domain_arg;
    if constexpr (requires { Op::indexes_columns; }) f.indexes_columns = true;
    if constexpr (requires { Op::copies_when_shapes_agree; }) f.copies = true;
    if constexpr (requires { Op::count; }) {
        f.counts = true;
        f.count = Op::count;
    }
    if constexpr (requires { Op::check; }) f.check = Op::check;
    return f;
}

//! The facts of every op of an op list, by position.
template <class Ops>
inline constexpr std::array<op_fact, 1> op_facts{};
template <class... Ops>
inline constexpr std::array<op_fact, sizeof...(Ops) + 1> op_facts<type_list<Ops...>>{fact_of<Ops>()..., op_fact{}};

//! Whether record r is known before any loop runs: a scalar, a constant, a shape-only value, or a
//! 1 x 1 elementwise value (not an `expand`, op `expand_op`) of such (`known`: by earlier index).
constexpr bool immediate(record const& r, op_fact const* facts, std::size_t expand_op, bool const* known) {
    if (r.kind == record_kind::scalar || r.kind == record_kind::constant) return true;
    if (r.kind != record_kind::node) return false;
    op_fact const& f = facts[r.op];
    if (f.kind == op_kind::shape_only) return true;
    if (f.kind != op_kind::elementwise || r.stat != shape{1, 1} || r.op == expand_op) return false;
    for (std::size_t k = 0; k < r.nargs; ++k)
        if (f.reads[k] && !known[r.arg[k]]) return false;
    return true;
}

} // namespace tapeless::detail

#endif
