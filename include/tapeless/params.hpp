//! @file Parameter sets (Boost.Hana at the user's surface): `parameters`, `compile(loss, params)`,
//! `opt.step(params, step)` and `mlp` over Hana layer lists.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_PARAMS_HPP
#define TAPELESS_PARAMS_HPP

#include "params/mlp.hpp"
#include "params/optim.hpp"
#include "params/parameters.hpp"

#endif
