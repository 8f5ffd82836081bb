//! @file Defines `derived<Loss, Wrt...>`: a loss and its gradients as one graph of records, derived by
//! the reverse sweep on records and put in the order the planner and the reports read.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_DERIVE_HPP
#define TAPELESS_GRAPH_DERIVE_HPP

#include "../expr/leaf_table.hpp"
#include "lower.hpp"
#include "rules/all.hpp"
#include "simplify_records.hpp"

#include <array>
#include <cstddef>

namespace tapeless::detail {

template <class... Lists>
struct concat {
    using type = type_list<>;
};
template <class... A>
struct concat<type_list<A...>> {
    using type = type_list<A...>;
};
template <class... A, class... B, class... Rest>
struct concat<type_list<A...>, type_list<B...>, Rest...> : concat<type_list<A..., B...>, Rest...> {};

template <class Op>
struct rule_uses {
    using type = type_list<>;
};
template <class Op>
    requires requires { typename adjoint_rule<Op>::uses; }
struct rule_uses<Op> {
    using type = typename adjoint_rule<Op>::uses;
};

//! The ops a derivation of a graph with ops `Fwd` can contain: its own, the simplifying
//! builders', and those its rules create.
template <class Fwd>
struct derivation_ops;
template <class... Os>
struct derivation_ops<type_list<Os...>> {
    using type = typename few_unique<typename concat<type_list<Os...>, simplify_ops,
                                                     typename rule_uses<Os>::type...>::type>::type;
};

//! Never defined: an `adjoint_rule<Op>` without `vjp(g, y, ybar, k)` fails on this type, naming Op.
template <class Op>
struct adjoint_rule_defines_no_vjp;

// ȳ's contribution to the adjoint of argument k of y, by y's op rule; an op without a rule has a
// zero gradient (step, sign, ...).
template <class G, class Op>
constexpr std::size_t rule_contribution(G& g, std::size_t y, std::size_t ybar, std::size_t k) {
    if constexpr (requires { &adjoint_rule<Op>::template vjp<G>; }) {
        return adjoint_rule<Op>::vjp(g, y, ybar, k);
    } else {
        if constexpr (requires { sizeof(adjoint_rule<Op>); }) (void)sizeof(adjoint_rule_defines_no_vjp<Op>);
        return g.zero();
    }
}
template <class G, class Ops>
inline constexpr std::array<std::size_t (*)(G&, std::size_t, std::size_t, std::size_t), 1> rule_table{};
template <class G, class... Ops>
inline constexpr std::array<std::size_t (*)(G&, std::size_t, std::size_t, std::size_t), sizeof...(Ops)>
    rule_table<G, type_list<Ops...>>{&rule_contribution<G, Ops>...};

//! A derived graph before ordering: its records and outputs (the loss first, then one gradient
//! per differentiated leaf, each a value with a kernel of its own).
template <class G, std::size_t NO>
struct swept {
    G g;
    std::array<std::size_t, NO> out{};
    std::array<std::size_t, NO> grad{}; // grad[1 + w]: the w-th gradient before it got a buffer
};

//! The reverse sweep: every adjoint is the sum of its consumers' contributions, in the order of
//! the forward records, derived latest first; only nodes from which a differentiated leaf can be
//! reached get one.
//! `held[w]`: the w-th differentiated leaf is held by the op of record `wrt[w]` (a `repeat`'s stack),
//! whose own backward record -- its rule's contribution to its first argument -- yields its gradient.
template <class G, std::size_t N, std::size_t W>
constexpr swept<G, W + 1> sweep(std::array<record, N> const& fwd, std::array<std::size_t, W> const& wrt,
                                std::array<bool, W> const& held, op_fact const* facts, auto const& rules) {
    swept<G, W + 1> s;
    G& g = s.g;
    g.facts = facts;
    for (std::size_t i = 0; i < N; ++i)
        if (g.intern(fwd[i]) != i) throw "tapeless: internal: two forward nodes lowered to one record";
    // Consumers of each forward record, parents in order, then argument positions.
    std::array<std::size_t, N + 1> first{};
    for (std::size_t p = 0; p < N; ++p)
        for (std::size_t k = 0; k < fwd[p].nargs; ++k)
            if (fwd[p].kind == record_kind::node && facts[fwd[p].op].reads[k]) ++first[fwd[p].arg[k] + 1];
    for (std::size_t c = 0; c < N; ++c) first[c + 1] += first[c];
    struct edge {
        std::size_t parent = 0, k = 0;
    };
    std::array<edge, 3 * N + 1> edges{};
    {
        std::array<std::size_t, N + 1> fill{};
        for (std::size_t p = 0; p < N; ++p)
            for (std::size_t k = 0; k < fwd[p].nargs; ++k)
                if (fwd[p].kind == record_kind::node && facts[fwd[p].op].reads[k]) {
                    std::size_t c = fwd[p].arg[k];
                    edges[first[c] + fill[c]++] = {p, k};
                }
    }
    std::array<bool, N> reaches{};
    for (std::size_t w : wrt)
        if (w != npos) reaches[w] = true; // absent: a zero gradient (wrt_check reports it first)
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t k = 0; k < fwd[i].nargs; ++k)
            if (fwd[i].kind == record_kind::node && facts[fwd[i].op].reads[k] && reaches[fwd[i].arg[k]]) reaches[i] = true;
    std::array<std::size_t, N> adj{};
    std::size_t const root = N - 1;
    for (std::size_t c = N; c-- > 0;) {
        if (!reaches[c]) continue;
        if (c == root) {
            adj[c] = g.one();
            continue;
        }
        std::size_t sum = npos;
        for (std::size_t e = first[c]; e < first[c + 1]; ++e) {
            std::size_t p = edges[e].parent;
            std::size_t part = rules[fwd[p].op](g, p, adj[p], edges[e].k);
            sum = sum == npos ? part : g.add(sum, part);
        }
        adj[c] = sum == npos ? g.zero() : sum;
    }
    // Outputs: every one a value with a buffer of its own (a leaf, constant or transpose is copied).
    std::array<bool, G::capacity> known{}; // immediacy of records [0, upto): they never change
    std::size_t upto = 0;
    auto output = [&](std::size_t i, std::size_t like) {
        for (; upto <= i; ++upto) known[upto] = immediate(g[upto], facts, G::template op_index<op::expand>, known.data());
        record const& r = g[i];
        bool kernel = r.kind == record_kind::node && !known[i] && g.facts[r.op].kind != op_kind::layout;
        return kernel ? i : g.template make<op::expand>(i, like);
    };
    s.out[0] = output(root, root);
    for (std::size_t w = 0; w < W; ++w) {
        if (wrt[w] == npos) {
            s.grad[w + 1] = s.out[w + 1] = g.zero();
            continue;
        }
        if (held[w]) {
            // The op's record the loss reads: a subexpression holding a number is copied where an
            // op reads it again (renumbered), and a copy read for its extents only (`mean`'s
            // count) has a zero adjoint. Its rule's record also yields the stack's gradient.
            std::size_t at = wrt[w];
            for (std::size_t i = 0; i < N; ++i)
                if (fwd[i].kind == record_kind::node && fwd[i].op == fwd[wrt[w]].op && !g.is_zero(adj[i])) {
                    at = i;
                    break;
                }
            s.grad[w + 1] = s.out[w + 1] = rules[fwd[at].op](g, at, adj[at], 0);
            continue;
        }
        s.grad[w + 1] = g.full(reaches[wrt[w]] ? adj[wrt[w]] : g.zero(), wrt[w]);
        s.out[w + 1] = output(s.grad[w + 1], wrt[w]);
    }
    return s;
}

//! Records reachable from the outputs, each after its arguments, in the order of a depth-first
//! walk from the outputs in turn (arguments in order): the order `nodes_t` gives their types.
template <class G, std::size_t NO>
constexpr std::array<std::size_t, G::capacity + 1> post_order(swept<G, NO> const& s, std::size_t& count) {
    std::array<std::size_t, G::capacity + 1> order{};
    std::array<std::size_t, G::capacity> pos{};
    for (auto& p : pos) p = npos;
    struct frame {
        std::size_t node = 0, next = 0;
    };
    std::array<frame, G::capacity + 1> stack{};
    count = 0;
    for (std::size_t root : s.out) {
        if (pos[root] != npos) continue;
        std::size_t top = 0;
        stack[top++] = {root, 0};
        pos[root] = npos - 1; // on the stack
        while (top) {
            frame& f = stack[top - 1];
            record const& r = s.g[f.node];
            if (r.kind == record_kind::node && f.next < r.nargs) {
                std::size_t a = r.arg[f.next++];
                if (pos[a] == npos) {
                    pos[a] = npos - 1;
                    stack[top++] = {a, 0};
                }
                continue;
            }
            pos[f.node] = count;
            order[count++] = f.node;
            --top;
        }
    }
    return order;
}

//! The derived graph, sized exactly: `rec` in evaluation order, `out[0]` the loss, `out[1 + w]` the
//! gradient of the w-th differentiated leaf.
template <std::size_t M, std::size_t NO>
struct derived_graph {
    std::array<record, M> rec{};
    std::array<std::size_t, NO> out{};
    std::array<std::size_t, NO> grad{}; //!< grad[1 + w]: the w-th gradient as derived (`grad()`)
    std::array<bool, M> forward{};      //!< part of the loss's own graph (its output included)
};

template <std::size_t M, class G, std::size_t NO>
constexpr derived_graph<M, NO> compact(swept<G, NO> const& s, std::size_t n_forward) {
    std::size_t count = 0;
    auto const order = post_order(s, count);
    std::array<std::size_t, G::capacity> at{};
    for (std::size_t i = 0; i < M; ++i) at[order[i]] = i;
    derived_graph<M, NO> d;
    for (std::size_t i = 0; i < M; ++i) {
        record r = s.g[order[i]];
        for (std::size_t k = 0; k < r.nargs; ++k) r.arg[k] = static_cast<std::uint32_t>(at[r.arg[k]]);
        d.rec[i] = r;
        d.forward[i] = order[i] < n_forward || order[i] == s.out[0];
    }
    for (std::size_t o = 0; o < NO; ++o) d.out[o] = at[s.out[o]];
    for (std::size_t o = 1; o < NO; ++o) d.grad[o] = at[s.grad[o]];
    return d;
}

template <class N>
struct held_leaves {
    using type = type_list<>;
};
template <class Op, auto... A>
struct held_leaves<node<Op, A...>> : op_leaves<Op> {};

//! The record a differentiated leaf W starts from: its own, or that of the node whose op holds it
//! (a `repeat`'s stack); npos when W is in neither.
template <class W, class Nodes>
constexpr std::size_t wrt_record() {
    if constexpr (index_of_v<W, Nodes> != npos) return index_of_v<W, Nodes>;
    else return []<class... Ns>(type_list<Ns...>) {
        constexpr bool hit[] = {contains_v<W, typename held_leaves<Ns>::type>..., false};
        for (std::size_t i = 0; i < sizeof...(Ns); ++i)
            if (hit[i]) return i;
        return npos;
    }(Nodes{});
}

//! `Loss` and its gradients with respect to `Wrt...` as records, derived and ordered at compile
//! time. `leaves` numbers the leaves and scalars (the slots of `record::slot`); `ops` the ops.
template <class Loss, class... Wrt>
struct derived {
    using forward = nodes_t<Loss>;
    using leaves = union_t<leaf_types_t<Loss>, leaf_types_t<Wrt>...>;
    using ops = typename derivation_ops<typename node_ops<forward>::type>::type;
    static constexpr std::size_t n_forward = forward::size;
    // Enough for any rule: a contribution creates at most 6 records (pow's), its sum one more, and
    // each gradient two for its buffer. Sized from the graph, not a guess per depth.
    static constexpr std::size_t capacity = [] {
        std::size_t edges = 0;
        for (record const& r : lowered<forward, leaves, ops>)
            if (r.kind == record_kind::node)
                for (std::size_t k = 0; k < r.nargs; ++k) edges += op_facts<ops>[r.op].reads[k];
        return n_forward + 7 * edges + 3 * sizeof...(Wrt) + 16;
    }();
    using graph_type = sweep_graph<ops, capacity>;

    static constexpr swept<graph_type, sizeof...(Wrt) + 1> full = sweep<graph_type>(
        lowered<forward, leaves, ops>, std::array<std::size_t, sizeof...(Wrt)>{wrt_record<Wrt, forward>()...},
        std::array<bool, sizeof...(Wrt)>{(index_of_v<Wrt, forward> == npos && wrt_record<Wrt, forward>() != npos)...},
        op_facts<ops>.data(), rule_table<graph_type, ops>);
    static constexpr std::size_t size = [] {
        std::size_t c = 0;
        (void)post_order(full, c);
        return c;
    }();
    static constexpr derived_graph<size, sizeof...(Wrt) + 1> graph = compact<size>(full, n_forward);
};

} // namespace tapeless::detail

#endif
