//! @file Defines `tape_mlp`: the seed network's training step recorded on a `tapeless::tape::tape`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_BENCHMARKS_PROBLEMS_MLP_TAPE_HPP
#define TAPELESS_BENCHMARKS_PROBLEMS_MLP_TAPE_HPP

#include "mlp.hpp"

#include <tapeless/tape/all.hpp>
#include <tapeless/tensor/tensor.hpp>

namespace tapeless::bench {

//! One forward + backward pass of the seed, loss = mse(lin(relu(lin(x, w1, b1)), w2, b2), y), as
//! a user of the runtime tape writes it: record, backward, read the gradients, clear. The tape is a
//! member, so its arena is reused: from the second step on a step allocates nothing.
template <class T>
struct tape_mlp {
    tape::tape<T> t;
    TensorView<T const> gw1, gb1, gw2, gb2; //!< gradients of the last step (valid until the next)

    //! Records and differentiates one step on `p`'s tensors; returns the loss.
    T step(mlp_data<T> const& p) {
        //! [tape_step]
        t.clear();
        auto w1 = t.param(p.w1), b1 = t.param(p.b1), w2 = t.param(p.w2), b2 = t.param(p.b2);
        auto loss = tape::mse(tape::lin(tape::relu(tape::lin(t.input(p.x), w1, b1)), w2, b2), t.input(p.y));
        t.backward(loss);
        gw1 = t.grad(w1);
        gb1 = t.grad(b1);
        gw2 = t.grad(w2);
        gb2 = t.grad(b2);
        //! [tape_step]
        return loss.item();
    }
};

} // namespace tapeless::bench

#endif
