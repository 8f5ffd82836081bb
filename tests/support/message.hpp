//! @file Defines `message_is`: a predicate for BOOST_CHECK_EXCEPTION that compares a tapeless
//! error's whole message (and logs it, so a failing comparison shows what was thrown).
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_MESSAGE_HPP
#define TAPELESS_TEST_SUPPORT_MESSAGE_HPP

#include <tapeless/error.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

namespace tapeless::test {

inline bool message_is(error const& e, std::string const& expected) {
    BOOST_TEST_MESSAGE(e.what());
    return std::string(e.what()) == expected;
}

} // namespace tapeless::test

#endif
