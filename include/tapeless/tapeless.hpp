//! @file The umbrella header: everything a user needs to write expressions and differentiate them.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TAPELESS_HPP
#define TAPELESS_TAPELESS_HPP

#include "config.hpp"
#include "error.hpp"
#include "eval/compile.hpp"
#include "expr/functions.hpp"
#include "expr/operators.hpp"
#include "tensor/tensor.hpp"
#include "version.hpp"

#endif
