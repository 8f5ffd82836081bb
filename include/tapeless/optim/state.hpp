//! @file Defines what every optimizer shares: (parameter, gradient) pair checks and per-parameter state buffers.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_OPTIM_STATE_HPP
#define TAPELESS_OPTIM_STATE_HPP

#include "../config.hpp"
#include "../error.hpp"
#include "../tensor/shape.hpp"
#include "../tensor/storage.hpp"
#include "../tensor/tensor.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace tapeless::optim::detail {

// Static extents of a tensor-like type, `dynamic` for runtime extents or types without them.
template <class X>
constexpr tapeless::shape static_shape_of() {
    if constexpr (requires { X::static_shape; }) return X::static_shape;
    else return {dynamic, dynamic};
}

constexpr bool extents_conflict(std::size_t a, std::size_t b) { return a != dynamic && b != dynamic && a != b; }

//! One (parameter, gradient) pair with its static types erased: the update loops are contiguous
//! 1-D loops, so once the shapes are checked only pointers and sizes matter.
template <class T>
struct pair_ref {
    T* param;
    T const* grad;
    tapeless::shape param_shape;
    tapeless::shape grad_shape;
};

template <class T, class P, class G>
pair_ref<T> make_pair_ref(P& p, G const& g) {
    static_assert(std::is_same_v<decltype(p.data()), T*>,
                  "tapeless: optim: a parameter must be a mutable Tensor or TensorView of the optimizer's "
                  "element type");
    static_assert(std::is_same_v<std::remove_cv_t<std::remove_pointer_t<decltype(g.data())>>, T>,
                  "tapeless: optim: a gradient must have the optimizer's element type");
    constexpr auto ps = static_shape_of<std::remove_cvref_t<P>>();
    constexpr auto gs = static_shape_of<std::remove_cvref_t<G>>();
    static_assert(!extents_conflict(ps.rows, gs.rows) && !extents_conflict(ps.cols, gs.cols),
                  "tapeless: optim: parameter and gradient static shapes differ");
    return {p.data(), g.data(), {p.rows(), p.cols()}, {g.rows(), g.cols()}};
}

// A stack of parameters: a std::vector of tensors, paired with its gradients layer by layer
// (`step.grad(W)` of a `repeat`'s stack, or any vector of gradients).
template <class P>
inline constexpr bool is_tensor_vector = false;
template <class X, class A>
inline constexpr bool is_tensor_vector<std::vector<X, A>> = true;

template <class T, class P, class G>
void append_pairs(pair_ref<T>*& out, P& p, G const& g) {
    if constexpr (is_tensor_vector<std::remove_cvref_t<P>>) {
        if (g.size() != p.size())
            throw shape_error("tapeless: optim: a stack of " + std::to_string(p.size()) + " tensors paired with " +
                              std::to_string(g.size()) + " gradients");
        for (std::size_t i = 0; i < p.size(); ++i) *out++ = make_pair_ref<T>(p[i], g[i]);
    } else {
        *out++ = make_pair_ref<T>(p, g);
    }
}

//! `step(p0, g0, p1, g1, ...)` arguments as pairs: an array on the stack, or, where a pair is a
//! stack of tensors (`w, step.grad(W)`: one pair per layer, as many as the vector holds now), a
//! span over a buffer of this thread that only grows -- no allocation once it is large enough.
template <class T, class... Args>
auto gather(Args&... args) {
    static_assert(sizeof...(Args) > 0 && sizeof...(Args) % 2 == 0,
                  "tapeless: optim: step takes (parameter, gradient) pairs");
    auto refs = std::tie(args...);
    if constexpr (!(is_tensor_vector<std::remove_cvref_t<Args>> || ...)) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<pair_ref<T>, sizeof...(I)>{
                make_pair_ref<T>(std::get<2 * I>(refs), std::get<2 * I + 1>(refs))...};
        }(std::make_index_sequence<sizeof...(Args) / 2>{});
    } else {
        thread_local std::vector<pair_ref<T>> buffer;
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            std::size_t const n = (std::size_t{0} + ... + [](auto const& p) -> std::size_t {
                if constexpr (is_tensor_vector<std::remove_cvref_t<decltype(p)>>) return p.size();
                else return 1;
            }(std::get<2 * I>(refs)));
            if (buffer.size() < n) buffer.resize(n);
            pair_ref<T>* out = buffer.data();
            (append_pairs<T>(out, std::get<2 * I>(refs), std::get<2 * I + 1>(refs)), ...);
            return std::span<pair_ref<T> const>(buffer.data(), n);
        }(std::make_index_sequence<sizeof...(Args) / 2>{});
    }
}

//! Throws `shape_error` naming the optimizer and both shapes if a gradient does not fit its
//! parameter, and `binding_error` if a gradient shares memory with its parameter (the update reads
//! the gradient while it writes the parameter: the result would depend on the order of the loop).
template <class T>
void check_shapes(char const* optimizer, std::span<pair_ref<T> const> pairs) {
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        pair_ref<T> const& p = pairs[i];
        if (p.param_shape != p.grad_shape)
            throw shape_error(std::string("tapeless: ") + optimizer + ": pair " + std::to_string(i + 1) +
                              ": parameter " + to_string(p.param_shape) + " but gradient " +
                              to_string(p.grad_shape));
        std::less<T const*> before;
        T const* pb = p.param;
        T const* pe = p.param + p.param_shape.size();
        T const* ge = p.grad + p.grad_shape.size();
        if (p.param_shape.size() && before(p.grad, pe) && before(pb, ge)) {
            std::string msg = "tapeless: "; // appended, not `literal + string`: GCC 12 -Wrestrict false positive
            msg += optimizer;
            msg += ": pair ";
            msg += std::to_string(i + 1);
            msg += ": the gradient shares memory with its parameter";
            throw binding_error(msg);
        }
    }
}

//! `K` buffers of state per parameter (momentum: 1, Adam: 2), zeroed, in one aligned block.
//! Allocated by the first `bind`, which also records which tensor each pair updates; later binds
//! only check that the same tensors come in the same order, so a steady-state step allocates
//! nothing and two same-shaped parameters passed in swapped order cannot silently trade state.
template <class T, std::size_t K>
class state {
public:
    state() = default;
    // A copy owns a copy of the buffers (a checkpoint); it still belongs to the same tensors.
    state(state const& o) : slots_(o.slots_), total_(o.total_) {
        if (o.block_) {
            block_ = tapeless::detail::allocate_aligned<T>(total_);
            std::copy_n(o.block_.get(), total_, block_.get());
        }
    }
    state(state&&) noexcept = default;
    state& operator=(state const& o) {
        if (this != &o) *this = state(o);
        return *this;
    }
    state& operator=(state&&) noexcept = default;

    [[nodiscard]] bool empty() const { return slots_.empty(); }

    //! Throws, before anything changes, `binding_error` if the pairs are not those of the first
    //! bind and `shape_error` if a parameter's size changed.
    void bind(char const* optimizer, std::span<pair_ref<T> const> pairs) {
        if (slots_.empty()) return allocate(pairs);
        auto fail = [&](std::string what) { throw binding_error(std::string("tapeless: ") + optimizer + ": " + what); };
        if (pairs.size() != slots_.size())
            fail(std::string("step got ") + std::to_string(pairs.size()) + " pairs, the first step had " +
                 std::to_string(slots_.size()) + " (call reset() to start over)");
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            if (pairs[i].param != slots_[i].param)
                fail(std::string("pair ") + std::to_string(i + 1) +
                     " is not the parameter tensor it was at the first step (call reset() to start over)");
            if (pairs[i].param_shape.size() != slots_[i].size)
                throw shape_error(std::string("tapeless: ") + optimizer + ": pair " + std::to_string(i + 1) +
                                  ": parameter now " + to_string(pairs[i].param_shape) + ", " +
                                  std::to_string(slots_[i].size) + " elements at the first step");
        }
    }

    //! State buffer `k` of pair `i`: `size` elements, 64-byte aligned.
    [[nodiscard]] T* buffer(std::size_t i, std::size_t k) { return block_.get() + slots_[i].offset[k]; }

    //! Frees the state; the next bind allocates afresh.
    void reset() {
        slots_.clear();
        slots_.shrink_to_fit();
        block_.reset();
        total_ = 0;
    }

private:
    struct slot {
        T const* param;
        std::size_t size;
        std::array<std::size_t, K> offset;
    };

    void allocate(std::span<pair_ref<T> const> pairs) {
        // Each buffer starts on a cache line: aligned loads, no false sharing between buffers.
        constexpr std::size_t line = TAPELESS_CONFIG_ALIGNMENT / sizeof(T);
        std::vector<slot> slots;
        slots.reserve(pairs.size());
        std::size_t total = 0;
        for (auto const& p : pairs) {
            slot s{p.param, p.param_shape.size(), {}};
            for (auto& o : s.offset) {
                o = total;
                total += (s.size + line - 1) / line * line;
            }
            slots.push_back(s);
        }
        block_ = tapeless::detail::allocate_aligned<T>(total);
        slots_ = std::move(slots); // commit only once both allocations succeeded
        total_ = total;
    }

    std::vector<slot> slots_;
    std::size_t total_ = 0;
    tapeless::detail::aligned_ptr<T> block_;
};

} // namespace tapeless::optim::detail

#endif
