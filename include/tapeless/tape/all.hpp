//! @file Defines the umbrella header of `tapeless::tape`, the runtime tape-based reverse mode.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TAPE_ALL_HPP
#define TAPELESS_TAPE_ALL_HPP

#include "arena.hpp"
#include "kernels.hpp"
#include "node.hpp"
#include "ops.hpp"
#include "tape.hpp"

#endif
