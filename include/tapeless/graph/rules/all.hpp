//! @file Includes every adjoint rule.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_GRAPH_RULES_ALL_HPP
#define TAPELESS_GRAPH_RULES_ALL_HPP

#include "abs.hpp"
#include "add.hpp"
#include "div.hpp"
#include "embedding.hpp"
#include "exp.hpp"
#include "expand.hpp"
#include "gelu.hpp"
#include "layer_norm.hpp"
#include "leaky_relu.hpp"
#include "log.hpp"
#include "log1p.hpp"
#include "matmul.hpp"
#include "max_rows.hpp"
#include "maximum.hpp"
#include "minimum.hpp"
#include "mul.hpp"
#include "neg.hpp"
#include "pow.hpp"
#include "relu.hpp"
#include "repeat.hpp"
#include "seed.hpp"
#include "sigmoid.hpp"
#include "softplus.hpp"
#include "sqrt.hpp"
#include "square.hpp"
#include "sub.hpp"
#include "sum.hpp"
#include "sum_cols.hpp"
#include "sum_rows.hpp"
#include "sum_to.hpp"
#include "tanh.hpp"
#include "transpose.hpp"

#endif
