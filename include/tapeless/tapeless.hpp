//! @file The umbrella header: everything a user needs to write expressions, differentiate them
//! and train (all of tapeless but the runtime tape, `tapeless/tape/all.hpp`).
//!
//! The seed network, trained by a compiled step (examples/readme_seed.cpp):
//! @snippet readme_seed.cpp seed
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TAPELESS_HPP
#define TAPELESS_TAPELESS_HPP

#include "config.hpp"
#include "error.hpp"
#include "eval/check_finite.hpp"
#include "eval/compile.hpp"
#include "expr/functions.hpp"
#include "expr/operators.hpp"
#include "expr/repeat.hpp"
#include "graph/grad.hpp"
#include "io/dot.hpp"
#include "io/explain.hpp"
#include "io/formula.hpp"
#include "io/latex.hpp"
#include "io/names.hpp"
#include "io/plan_dot.hpp"
#include "io/plan_dump.hpp"
#include "io/print.hpp"
#include "optim/optim.hpp"
#include "params.hpp"
#include "tensor/tensor.hpp"
#include "version.hpp"

#endif
