//! @file Defines the losses: mean squared error, cross-entropy (class labels or probabilities),
//! binary cross-entropy on logits, and the L2 penalty.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXPR_LOSSES_HPP
#define TAPELESS_EXPR_LOSSES_HPP

#include "../ops/column_index.hpp"
#include "../ops/equal.hpp"
#include "../ops/neg.hpp"
#include "../ops/softplus.hpp"
#include "../ops/square.hpp"
#include "build.hpp"
#include "check.hpp"
#include "reductions.hpp"

#include <string_view>

namespace tapeless {

//! Tags naming user-level calls in shape errors (see `detail::check_call`).
namespace call {
struct mse {
    static constexpr std::string_view text = "mse(pred, target)";
};
struct one_hot {
    static constexpr std::string_view text = "one_hot(labels, like)";
};
struct cross_entropy {
    static constexpr std::string_view text = "cross_entropy(logits, labels)";
};
struct cross_entropy_with_probs {
    static constexpr std::string_view text = "cross_entropy_with_probs(logits, targets)";
};
struct binary_cross_entropy_with_logits {
    static constexpr std::string_view text = "binary_cross_entropy_with_logits(logits, targets)";
};
} // namespace call

//! Mean squared error over all elements, as the seed defines it: mean((pred - target)²).
constexpr auto mse(expression auto const& pred, expression auto const& target) {
    detail::check_call<call::mse, detail::rules::broadcast<2>>(pred, target);
    return tapeless::mean(tapeless::build<op::square>(tapeless::build<op::sub>(pred, target)));
}
//! 1 where column j equals row i's label: `labels` is m x 1 of class indices 0..n-1 (held in the
//! element type), `like` gives the m x n shape. Never materialised: a compare in the loop.
constexpr auto one_hot(expression auto const& labels, expression auto const& like) {
    detail::check_call<call::one_hot, detail::rules::labels_first>(labels, like);
    return tapeless::build<op::equal>(tapeless::build<op::column_index>(like), labels);
}
//! Mean over rows of -log softmax(logits)[i, label_i], with integer class labels (m x 1).
constexpr auto cross_entropy(expression auto const& logits, expression auto const& labels) {
    detail::check_call<call::cross_entropy, detail::rules::labels>(logits, labels);
    return tapeless::build<op::neg>(tapeless::mean_cols(tapeless::sum_rows(tapeless::build<op::mul>(tapeless::log_softmax(logits), tapeless::one_hot(labels, logits)))));
}
//! Mean over rows of -Σ_j p_ij log softmax(logits)_ij, with target probabilities (e.g. one-hot) p.
constexpr auto cross_entropy_with_probs(expression auto const& logits, expression auto const& targets) {
    detail::check_call<call::cross_entropy_with_probs, detail::rules::broadcast<2>>(logits, targets);
    return tapeless::build<op::neg>(tapeless::mean_cols(tapeless::sum_rows(tapeless::build<op::mul>(tapeless::log_softmax(logits), targets))));
}
//! Mean of softplus(x) - x·t = -[t ln σ(x) + (1 - t) ln(1 - σ(x))], finite for any logit x.
constexpr auto binary_cross_entropy_with_logits(expression auto const& logits, expression auto const& targets) {
    detail::check_call<call::binary_cross_entropy_with_logits, detail::rules::broadcast<2>>(logits, targets);
    return tapeless::mean(tapeless::build<op::sub>(tapeless::build<op::softplus>(logits), tapeless::build<op::mul>(logits, targets)));
}
//! Σ w², the L2 penalty; scale it as you like: `loss + 1e-4 * l2(W)`.
constexpr auto l2(expression auto const& w) { return tapeless::sum(tapeless::build<op::square>(w)); }

} // namespace tapeless

#endif
