//! @file Defines the reductions users call: sum and mean over everything, along rows or along
//! columns, and the row-wise softmax family built from them.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_REDUCTIONS_HPP
#define TAPELESS_EXPR_REDUCTIONS_HPP

#include "../ops/add.hpp"
#include "../ops/exp.hpp"
#include "../ops/inv_count.hpp"
#include "../ops/log.hpp"
#include "../ops/max_rows.hpp"
#include "../ops/mul.hpp"
#include "../ops/stop_gradient.hpp"
#include "../ops/sub.hpp"
#include "../ops/sum.hpp"
#include "../ops/sum_cols.hpp"
#include "../ops/sum_rows.hpp"
#include "build.hpp"

namespace tapeless {

//! Σ of all elements, 1 x 1.
constexpr auto sum(expression auto const& x) { return tapeless::build<op::sum>(x); }
//! Σ along each row: m x n -> m x 1.
constexpr auto sum_rows(expression auto const& x) { return tapeless::build<op::sum_rows>(x); }
//! Σ along each column: m x n -> 1 x n.
constexpr auto sum_cols(expression auto const& x) { return tapeless::build<op::sum_cols>(x); }
//! Mean of all elements: the sum times 1/size, the factor taken from the shape.
constexpr auto mean(expression auto const& x) {
    return tapeless::build<op::mul>(tapeless::sum(x), tapeless::build<op::inv_count<count_of::size>>(x));
}
//! Mean along each row, m x 1.
constexpr auto mean_rows(expression auto const& x) {
    return tapeless::build<op::mul>(tapeless::sum_rows(x), tapeless::build<op::inv_count<count_of::cols>>(x));
}
//! Mean along each column, 1 x n.
constexpr auto mean_cols(expression auto const& x) {
    return tapeless::build<op::mul>(tapeless::sum_cols(x), tapeless::build<op::inv_count<count_of::rows>>(x));
}
//! ln Σ_j e^{x_ij} per row, m x 1, with the row maximum taken out first so no exponential
//! overflows; the maximum carries no gradient (its terms cancel exactly).
constexpr auto logsumexp_rows(expression auto const& x) {
    auto m = tapeless::build<op::stop_gradient>(tapeless::build<op::max_rows>(x));
    return tapeless::build<op::add>(m, tapeless::build<op::log>(tapeless::sum_rows(tapeless::build<op::exp>(tapeless::build<op::sub>(x, m)))));
}
//! x_ij - ln Σ_k e^{x_ik}: log-probabilities along each row, finite for logits in the thousands.
constexpr auto log_softmax(expression auto const& x) { return tapeless::build<op::sub>(x, tapeless::logsumexp_rows(x)); }
//! e^{x_ij} / Σ_k e^{x_ik} along each row.
constexpr auto softmax(expression auto const& x) { return tapeless::build<op::exp>(tapeless::log_softmax(x)); }

} // namespace tapeless

#endif
