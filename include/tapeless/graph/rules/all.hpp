//! @file Includes every adjoint rule.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_ALL_HPP
#define TAPELESS_GRAPH_RULES_ALL_HPP

#include "add.hpp"
#include "expand.hpp"
#include "inv_size.hpp"
#include "matmul.hpp"
#include "mul.hpp"
#include "neg.hpp"
#include "relu.hpp"
#include "square.hpp"
#include "step.hpp"
#include "sub.hpp"
#include "sum.hpp"
#include "sum_to.hpp"
#include "transpose.hpp"

#endif
