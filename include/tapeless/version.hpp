//! @file Defines the library version macros (parsed by CMake).
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_VERSION_HPP
#define TAPELESS_VERSION_HPP

#define TAPELESS_VERSION_MAJOR 0
#define TAPELESS_VERSION_MINOR 1
#define TAPELESS_VERSION_PATCH 0

#endif
