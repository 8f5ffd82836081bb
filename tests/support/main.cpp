//! @file The Boost.Test entry point, compiled once and linked into every `tapeless.test.*` executable.
// SPDX-License-Identifier: BSL-1.0
// BOOST_TEST_DYN_LINK comes from the target (tests/CMakeLists.txt), matching how Boost.Test is linked.
#define BOOST_TEST_MODULE tapeless
#include <boost/test/unit_test.hpp>
