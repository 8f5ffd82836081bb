//! @file Defines `bindings`: the runtime contents of an expression's leaves and scalars, collected
//! by walking the expression once, and `rebind`, which builds a derived expression type from them.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_BIND_HPP
#define TAPELESS_GRAPH_BIND_HPP

#include "../detail/type_list.hpp"
#include "../error.hpp"
#include "../expr/node.hpp"

#include <array>
#include <string>
#include <type_traits>
#include <utility>

namespace tapeless {

namespace detail {
//! Where `collect_entries` writes: the arrays of a `bindings`, whatever its node list.
template <class T>
struct binding_arrays {
    T const** data;
    shape* shapes;
    T* values;
    bool* bound;
    tensor_source<T>* sources;
};
} // namespace detail

//! Where each leaf of `Nodes` points and what each scalar holds, indexed by node position.
template <class T, class Nodes>
struct bindings {
    static constexpr std::size_t size = Nodes::size;
    std::array<T const*, size> data{};
    std::array<shape, size> shapes{};
    std::array<T, size> values{};
    std::array<bool, size> bound{};
    std::array<detail::tensor_source<T>, size> sources{};

    //! Where `collect` writes, whatever the node list.
    detail::binding_arrays<T> arrays() { return {data.data(), shapes.data(), values.data(), bound.data(), sources.data()}; }
};

namespace detail {
// For each entry of a leaf list, its position in the node list `Nodes` (npos: not there).
template <class List, class Nodes>
inline constexpr auto slots_in = []<class... Ls>(type_list<Ls...>) {
    return std::array<std::size_t, sizeof...(Ls) + 1>{index_of_v<Ls, Nodes>..., npos};
}(List{});

template <class N>
struct is_bound_leaf : std::bool_constant<is_leaf_v<N> || is_scalar_v<N>> {};
} // namespace detail

//! The leaves and scalars of a node list: what bindings are keyed by. A short list of short types,
//! where the node list itself holds every derived expression.
template <class Nodes>
struct leaves_of;
template <class... Ns>
struct leaves_of<detail::type_list<Ns...>> {
    using type = detail::filter_t<detail::type_list<Ns...>, detail::is_bound_leaf>;
};
template <class Nodes>
using leaves_t = typename leaves_of<Nodes>::type;

namespace detail {
// Names are in the types, so two distinct leaf types with one name are a mistake caught here.
template <class... Ns>
constexpr bool leaf_names_unique(type_list<Ns...>) {
    constexpr std::size_t n = sizeof...(Ns);
    constexpr bool leaf[] = {is_leaf_v<Ns>..., false};
    std::string_view names[] = {[] {
        if constexpr (is_leaf_v<Ns>) return Ns::name.view();
        else return std::string_view{};
    }()..., {}};
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j)
            if (leaf[i] && leaf[j] && names[i] == names[j]) return false;
    return true;
}
} // namespace detail

namespace detail {
// A name bound to two tensors, or (a named scalar) to two values, where the expression was built.
template <class List>
[[noreturn]] void throw_conflict(std::string_view name) {
    bool tensor = true;
    for (std::size_t s = 0; s < List::size; ++s)
        if (leaf_names<List>[s] == name) tensor = tensor_flags<List>[s];
    throw binding_error(std::string("tapeless: two different ") + (tensor ? "tensors" : "values") +
                        " are bound under the name '" + std::string(name) + "'");
}
} // namespace detail

namespace detail {
//! A leaf table as `collect_entries` reads it: n entries, each one's slot in the bindings (npos:
//! unused), whether it is a tensor, and its name (empty for an unnamed scalar).
template <class T>
struct entries_view {
    leaf_entry<T> const* e;
    std::size_t n;
    std::size_t const* at;
    bool const* tensor;
    std::string_view const* names;
};


//! Binds a leaf table's entries, once per element type: `collect` is a call per expression type.
//! (A loop per type was 67 functions of ~220 IR lines each in the 32-block residual network.)
template <class T>
TAPELESS_NOINLINE void collect_entries(entries_view<T> const& t, binding_arrays<T> const& b) {
    for (std::size_t s = 0; s < t.n; ++s) {
        std::size_t i = t.at[s];
        if (i == npos) continue; // a leaf the bound expression does not use
        leaf_entry<T> const& x = t.e[s];
        if (!t.tensor[s]) { // a scalar; a named one keeps one value
            if (!t.names[s].empty() && b.bound[i] && !same_value(b.values[i], x.value))
                throw binding_error("tapeless: two different values are bound under the name '" +
                                    std::string(t.names[s]) + "'");
            b.values[i] = x.value;
        } else {
            shape sh{x.rows, x.cols};
            if (b.bound[i] && (b.data[i] != x.data || b.shapes[i] != sh))
                throw binding_error("tapeless: two different tensors are bound under the name '" +
                                    std::string(t.names[s]) + "'");
            b.data[i] = x.data;
            b.shapes[i] = sh;
            if (x.source.tracked()) b.sources[i] = x.source;
        }
        b.bound[i] = true;
    }
}

//! Binds leaf or scalar `l` to slot `at` (npos: unused): a function per leaf type, not per
//! (bindings, leaf) pair, whose name would carry every leaf of the graph.
template <class L>
void collect_leaf(L const& l, binding_arrays<typename L::value_type> const& to, std::size_t const& at) {
    static constexpr bool tensor = is_leaf_type<L>(); // a leaf or a stack
    leaf_entry<typename L::value_type> const x = to_entry(l);
    collect_entries<typename L::value_type>({&x, 1, &at, &tensor, &leaf_name_v<L>}, to);
}
} // namespace detail

//! Records each leaf's storage and each scalar's value from the expression's leaf table (each
//! distinct leaf once: no walk over the graph). Throws `binding_error` if one name is bound to two
//! different tensors, here or where the expression was built.
template <class T, class Nodes, class E>
void collect(E const& e, bindings<T, Nodes>& b) {
    detail::binding_arrays<T> const to = b.arrays();
    if constexpr (is_node_v<E>) {
        using List = typename E::leaf_list;
        if (!e.conflict.empty()) detail::throw_conflict<List>(e.conflict.view());
        if constexpr (List::size > 0)
            detail::collect_entries<T>({e.leaves.e.data(), List::size, detail::slots_in<List, Nodes>.data(),
                                        detail::tensor_flags<List>.data(), detail::leaf_names<List>.data()},
                                       to);
    } else if constexpr (is_leaf_v<E> || is_scalar_v<E>) {
        detail::collect_leaf(e, to, detail::index_of_v<E, Nodes>);
    }
}

//! An instance of expression type G whose leaves and scalars are taken from `b`: its leaf table
//! filled slot by slot, no walk over G's graph.
template <class G, class T, class Nodes>
G rebind(bindings<T, Nodes> const& b) {
    if constexpr (is_leaf_v<G>) {
        constexpr std::size_t i = detail::index_of_v<G, Nodes>;
        if constexpr (i == detail::npos) return G{};
        else return G{b.data[i], b.shapes[i].rows, b.shapes[i].cols, b.sources[i]};
    } else if constexpr (is_scalar_v<G>) {
        constexpr std::size_t i = detail::index_of_v<G, Nodes>;
        if constexpr (i == detail::npos) return G{};
        else return G{b.values[i]};
    } else if constexpr (is_node_v<G>) {
        G g{};
        using List = typename G::leaf_list;
        static constexpr auto at = detail::slots_in<List, Nodes>;
        for (std::size_t s = 0; s < List::size; ++s)
            if (std::size_t i = at[s]; i != detail::npos)
                g.leaves.e[s] = {b.data[i], b.shapes[i].rows, b.shapes[i].cols, b.sources[i], b.values[i]};
        return g;
    } else {
        return G{};
    }
}

} // namespace tapeless

#endif
