//! @file Defines what tests against values worked out by hand share: both element types and the
//! tolerance of such a value in each.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_HAND_WORKED_HPP
#define TAPELESS_TEST_SUPPORT_HAND_WORKED_HPP

#include <boost/mpl/list.hpp>

namespace tapeless::test {

//! The element types a hand-worked test runs in (`BOOST_AUTO_TEST_CASE_TEMPLATE`).
using element_types = boost::mpl::list<float, double>;

//! Relative tolerance of a few operations' rounding against a value worked out by hand.
template <class T>
constexpr double hand_tol = sizeof(T) == 4 ? 1e-6 : 1e-14;

} // namespace tapeless::test

#endif
