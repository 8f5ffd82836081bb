//! @file Defines the exceptions tapeless throws: `tapeless::error` and its kinds.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_ERROR_HPP
#define TAPELESS_ERROR_HPP

#include <stdexcept>
#include <string>

namespace tapeless {

//! Base of every exception tapeless throws.
struct error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

//! Runtime extents that an operation cannot accept, e.g. "tapeless: matmul: shapes 3x4 and 5x6:
//! inner extents differ". Thrown while binding, before any output is written.
struct shape_error : error {
    using error::error;
};

//! Values an operation cannot accept, e.g. "tapeless: class labels 'y': row 3 holds 17, not a
//! class index in 0..9", or a non-finite value found by `step(tl::check_finite)`.
struct value_error : error {
    using error::error;
};

//! Leaves that cannot be bound as written, e.g. two different tensors under one name.
struct binding_error : error {
    using error::error;
};

//! A file that cannot be read or written as asked. Data files (data/idx.hpp, also as
//! `data::file_error`): missing, truncated, corrupt. A checkpoint: missing, not a zip,
//! truncated, corrupt, or holding other arrays than the destination (names, shapes, dtypes), e.g.
//! "tapeless: load_npz("ckpt.npz"): array 'w1' is 784x50 in the file, the destination is 784x51".
//! A load throws it before any tensor or optimizer state changes (checkpoint/npz.hpp).
struct file_error : error {
    using error::error;
};

} // namespace tapeless

#endif
