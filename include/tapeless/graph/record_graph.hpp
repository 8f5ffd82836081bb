//! @file Defines `record_graph`: records under construction, each distinct node once (interned by
//! structure, which is common-subexpression elimination), with symbolic extents.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RECORD_GRAPH_HPP
#define TAPELESS_GRAPH_RECORD_GRAPH_HPP

#include "record.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace tapeless::detail {

constexpr std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 29);
}

constexpr std::size_t pow2_at_least(std::size_t n) {
    std::size_t p = 1;
    while (p < n) p <<= 1;
    return p;
}

//! Open addressing from a hash to indices of `Cap` entries: find or insert in O(1) expected.
template <std::size_t Cap>
struct index_table {
    static constexpr std::size_t size = pow2_at_least(2 * Cap + 2);
    std::array<std::uint32_t, size> at{}; // index + 1; 0 is empty

    //! The index `same(i)` accepts among those hashed to h, else npos and where to insert.
    template <class Same>
    constexpr std::size_t find(std::uint64_t h, Same same, std::size_t& hole) const {
        for (std::size_t i = h & (size - 1);; i = (i + 1) & (size - 1)) {
            if (at[i] == 0) {
                hole = i;
                return npos;
            }
            if (same(at[i] - 1)) return at[i] - 1;
        }
    }
};

constexpr std::uint64_t hash_of(record const& r) {
    std::uint64_t h = mix(static_cast<std::uint64_t>(r.kind), r.op);
    h = mix(h, r.nargs);
    for (std::size_t k = 0; k < r.nargs; ++k) h = mix(h, r.arg[k]);
    h = mix(h, r.slot);
    h = mix(h, static_cast<std::uint64_t>(r.num));
    return mix(h, static_cast<std::uint64_t>(r.den));
}
constexpr std::uint64_t hash_of(extent_term const& t) {
    return mix(mix(static_cast<std::uint64_t>(t.tag), t.a), t.b);
}

//! A graph of at most `Cap` records and `Cap` extent terms, built in topological order.
template <std::size_t Cap>
struct record_graph {
    static constexpr std::size_t capacity = Cap;
    std::array<record, Cap> rec{};
    std::size_t n = 0;
    std::array<extent_term, 2 * Cap + 2> term{};
    std::size_t nterms = 0;
    index_table<Cap> nodes{};
    index_table<2 * Cap + 2> terms{};
    op_fact const* facts = nullptr; // the op list's facts, by op index

    constexpr record const& operator[](std::size_t i) const { return rec[i]; }

    constexpr std::uint32_t intern_term(extent_term t) {
        std::size_t hole = 0;
        std::size_t i = terms.find(hash_of(t), [&](std::size_t j) { return term[j] == t; }, hole);
        if (i != npos) return static_cast<std::uint32_t>(i);
        if (nterms == term.size()) throw "tapeless: internal: extent terms exceed their capacity";
        term[nterms] = t;
        terms.at[hole] = static_cast<std::uint32_t>(nterms + 1);
        return static_cast<std::uint32_t>(nterms++);
    }
    constexpr std::uint32_t fixed(std::size_t v) { return intern_term({extent_term::fixed, v, 0}); }
    constexpr bool is_fixed(std::uint32_t t, std::size_t v) const {
        return term[t].tag == extent_term::fixed && term[t].a == v;
    }
    // The extent of a broadcast of extents a and b: the rules of `sym::broadcast`.
    constexpr std::uint32_t join(std::uint32_t a, std::uint32_t b) {
        if (a == b || is_fixed(b, 1)) return a;
        if (is_fixed(a, 1)) return b;
        if (term[a].tag == extent_term::fixed) return a; // the other is a or 1: checked at build or bind
        if (term[b].tag == extent_term::fixed) return b;
        return intern_term({extent_term::broadcast, a, b});
    }

    //! Extents of a new record from its op's shape rule and its arguments'.
    constexpr void set_extents(record& r) {
        if (r.kind != record_kind::node) return;
        record const* a[max_arity]{};
        for (std::size_t k = 0; k < r.nargs; ++k) a[k] = &rec[r.arg[k]];
        shape_result s{};
        op_fact const& f = facts[r.op];
        switch (r.nargs) {
        case 1: s = infer_shape(f.rule, a[0]->stat); break;
        case 2: s = infer_shape(f.rule, a[0]->stat, a[1]->stat); break;
        case 3: s = infer_shape(f.rule, a[0]->stat, a[1]->stat, a[2]->stat); break;
        default: s = infer_shape(f.rule, a[0]->stat, a[1]->stat, a[2]->stat, a[3]->stat); break;
        }
        if (!s.ok()) throw "tapeless: internal: a derived node's static shapes do not fit its op";
        r.stat = s.value;
        switch (f.rule) {
        case shape_rule::broadcast:
            r.ext[0] = a[0]->ext[0];
            r.ext[1] = a[0]->ext[1];
            for (std::size_t k = 1; k < r.nargs; ++k) {
                r.ext[0] = join(r.ext[0], a[k]->ext[0]);
                r.ext[1] = join(r.ext[1], a[k]->ext[1]);
            }
            break;
        case shape_rule::matmul:
            r.ext[0] = a[0]->ext[0];
            r.ext[1] = a[r.nargs - 1]->ext[1];
            break;
        case shape_rule::transpose:
            r.ext[0] = a[0]->ext[1];
            r.ext[1] = a[0]->ext[0];
            break;
        case shape_rule::scalar: r.ext[0] = r.ext[1] = fixed(1); break;
        case shape_rule::column:
            r.ext[0] = a[0]->ext[0];
            r.ext[1] = fixed(1);
            break;
        case shape_rule::row:
            r.ext[0] = fixed(1);
            r.ext[1] = a[0]->ext[1];
            break;
        case shape_rule::like_last:
            r.ext[0] = a[r.nargs - 1]->ext[0];
            r.ext[1] = a[r.nargs - 1]->ext[1];
            break;
        case shape_rule::same:
            r.ext[0] = a[0]->ext[0];
            r.ext[1] = a[0]->ext[1];
            break;
        case shape_rule::gather:
            r.ext[0] = a[1]->ext[0];
            r.ext[1] = a[0]->ext[1];
            break;
        }
    }

    //! The index of the record equal to r, added if new.
    constexpr std::size_t intern(record r) {
        std::size_t hole = 0;
        std::size_t i = nodes.find(hash_of(r), [&](std::size_t j) { return rec[j].same(r); }, hole);
        if (i != npos) return i;
        if (n == Cap) throw "tapeless: internal: records exceed their capacity";
        if (r.kind == record_kind::leaf) {
            for (std::size_t d = 0; d < 2; ++d) {
                std::size_t e = d ? r.stat.cols : r.stat.rows;
                r.ext[d] = e == dynamic ? intern_term({extent_term::of_leaf, r.slot, d}) : fixed(e);
            }
        } else if (r.kind != record_kind::node) {
            r.stat = {1, 1};
            r.ext[0] = r.ext[1] = fixed(1);
        } else {
            set_extents(r);
        }
        rec[n] = r;
        nodes.at[hole] = static_cast<std::uint32_t>(n + 1);
        return n++;
    }

    //! The record of op `op` on arguments `a...` (one to `max_arity`), interned.
    template <class... A>
    constexpr std::size_t node(std::size_t op, A... a) {
        static_assert(sizeof...(A) >= 1 && sizeof...(A) <= max_arity);
        record r;
        r.op = static_cast<std::uint16_t>(op);
        r.nargs = static_cast<std::uint8_t>(sizeof...(A));
        std::size_t k = 0;
        ((r.arg[k++] = static_cast<std::uint32_t>(a)), ...);
        return intern(r);
    }
    constexpr std::size_t constant(long num, long den = 1) {
        record r;
        r.kind = record_kind::constant;
        r.num = num;
        r.den = den;
        return intern(r);
    }

    //! Same extents for every binding of the leaves.
    constexpr bool same_shape(std::size_t a, std::size_t b) const {
        return rec[a].ext[0] == rec[b].ext[0] && rec[a].ext[1] == rec[b].ext[1];
    }
};

} // namespace tapeless::detail

#endif
