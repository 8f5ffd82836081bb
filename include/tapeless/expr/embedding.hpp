//! @file Defines `embedding`: rows of a table picked by integer ids.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_EMBEDDING_HPP
#define TAPELESS_EXPR_EMBEDDING_HPP

#include "../ops/embedding.hpp"
#include "build.hpp"
#include "check.hpp"
#include "node.hpp"

#include <array>
#include <string_view>

namespace tapeless {

namespace call {
struct embedding {
    static constexpr std::string_view text = "embedding(table, ids)";
};
} // namespace call

namespace detail::rules {
//! One index per row, in one column.
constexpr char const* indices(std::array<shape, 2> const& s) {
    return s[1].cols == 1 || s[1].cols == dynamic ? nullptr : "ids must be one column (one row index per row)";
}
} // namespace detail::rules

//! PyTorch's `F.embedding(ids, table)`: row i of the result (n x d) is row ids_i of `table` (V x d,
//! usually a param). `ids` is an input leaf of n x 1 whole numbers in 0..V-1 (stored in the element
//! type, as class labels are); each step checks them first and throws `value_error` naming the leaf
//! and the row otherwise. The table's gradient adds the rows' adjoints into the rows they came from,
//! in the order of the ids: the same bits on any number of threads.
template <expression Table, expression Ids>
constexpr auto embedding(Table const& table, Ids const& ids) {
    static_assert(is_leaf_v<Ids>, "tapeless: embedding(table, ids): ids must be an input leaf (tl::input<\"ids\">(t))");
    detail::check_call<call::embedding, detail::rules::indices>(table, ids);
    return tapeless::build<op::embedding>(table, ids);
}

} // namespace tapeless

#endif
