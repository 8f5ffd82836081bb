//! @file Defines `repeat_runner`: what a compiled step keeps for one `repeat` -- the block's own
//! step, bound once per layer -- and the call kernels that run it forward and backward.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_REPEAT_RUNNER_HPP
#define TAPELESS_EVAL_REPEAT_RUNNER_HPP

#include "../error.hpp"
#include "../expr/functions.hpp"
#include "../expr/repeat.hpp"
#include "../ops/seed.hpp"
#include "../tensor/storage.hpp"
#include "call_kernel.hpp"
#include "compile.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace tapeless::detail {

template <class Spec, class Stacks>
struct block_step;
template <class Spec, class... Stacks>
struct block_step<Spec, type_list<Stacks...>> {
    //! The block's vector-Jacobian product: its value, and the gradients of h and of each layer's
    //! parameters against the cotangent. Derived and planned once, whatever the number of layers;
    //! its forward kernels come first, apart (`plan::forward_kernels`).
    using seeded = decltype(tapeless::build<op::seed, false>(std::declval<typename Spec::body>(),
                                                             std::declval<typename Spec::cotangent>()));
    using type = compiled<seeded, typename Spec::h, typename Stacks::layer...>;
};

//! One `repeat` of a step: layer i's step reads h_i from layer i-1's workspace (x for layer 0) and,
//! backward, its cotangent from a buffer the layer after it filled (ȳ for the last layer). Every
//! layer keeps what its backward pass reads of its forward pass in its own workspace; buffers that
//! live within one phase are in one region all layers share (a layer's phase ends before the next
//! layer's begins), so memory and cache footprint grow with depth by the kept values only.
template <class Spec, class T>
class repeat_runner {
public:
    using stacks = typename Spec::stacks;
    using step = typename block_step<Spec, stacks>::type;

    static constexpr std::size_t nstacks = stacks::size;

    //! Binds every layer: x (shape xs) in, y out; ȳ in and x̄ out when the step differentiates
    //! (null otherwise); `v[k]` the vector of stack k. Throws `shape_error` naming the layer
    //! before anything runs.
    void bind(T const* x, shape xs, T* y, T const* ybar, T* dx, std::array<void const*, nstacks> const& v) {
        x_ = x;
        y_ = y;
        ybar_ = ybar;
        dx_ = dx;
        xs_ = xs;
        [&]<class... S, std::size_t... K>(type_list<S...>, std::index_sequence<K...>) {
            std::size_t const n[] = {vector_of<S>(v[K]).size()...};
            std::size_t const layers = n[0];
            for (std::size_t k = 1; k < nstacks; ++k)
                if (n[k] != layers) throw shape_error(length_message(n));
            if (layers > 1 && xs.size() > cot_capacity_) {
                cot_ = allocate_aligned<T>(xs.size());
                cot_capacity_ = xs.size();
            }
            layers_.clear();
            layers_.reserve(layers);
            T const* h = x;
            for (std::size_t i = 0; i < layers; ++i) {
                typename Spec::h hi{h, xs.rows, xs.cols, {}};
                typename Spec::cotangent gi{i + 1 == layers && ybar ? ybar : cot_.get(), xs.rows, xs.cols, {}};
                try {
                    bind_layer(hi, gi, make_leaf<S::name, leaf_kind::param>(vector_of<S>(v[K])[i])...);
                } catch (shape_error const& e) {
                    std::string_view what = e.what();
                    if (what.starts_with("tapeless: ")) what.remove_prefix(10);
                    throw shape_error("tapeless: repeat: layer " + std::to_string(i) + ": " + std::string(what));
                }
                auto out = layers_.back().result();
                if (out.rows() != xs.rows || out.cols() != xs.cols)
                    throw shape_error("tapeless: repeat: layer " + std::to_string(i) + ": the block maps h of " +
                                      to_string(xs) + " to " + to_string(shape{out.rows(), out.cols()}) +
                                      "; it must keep h's shape");
                h = out.data();
            }
        }(stacks{}, std::make_index_sequence<nstacks>{});
        for (step& s : layers_) s.rebase_shared(); // the region may have grown after a layer was placed
        for (step& s : layers_) detail::resolve_refs<typename step::plan>(s.s_);
    }

    //! Whether every layer's tensors still have the storage and extents they were bound with.
    [[nodiscard]] bool current() const {
        return std::all_of(layers_.begin(), layers_.end(), [](step const& s) { return s.current(); });
    }

    //! h_L into y: every layer's forward kernels in turn.
    template <class Ex>
    void forward(Ex const& ex) {
        for (std::size_t i = 0; i < layers_.size(); ++i) layers_[i].run_phase(ex, true, layer_stream(i));
        T const* last = layers_.empty() ? x_ : layers_.back().result().data();
        std::copy_n(last, xs_.size(), y_);
    }

    //! x̄ from ȳ, and each layer's parameter gradients: the layers' backward kernels, last first.
    template <class Ex>
    void backward(Ex const& ex) {
        if (layers_.empty()) {
            std::copy_n(ybar_, xs_.size(), dx_);
            return;
        }
        for (std::size_t i = layers_.size(); i-- > 0;) {
            layers_[i].run_phase(ex, false, layer_stream(i));
            std::copy_n(layers_[i].grad(typename Spec::h{}).data(), xs_.size(), i ? cot_.get() : dx_);
        }
    }

    //! Layer i's gradient for stack S, viewing that layer's workspace.
    template <class S>
    [[nodiscard]] auto grad(std::size_t i) const {
        return layers_.at(i).grad(typename S::layer{});
    }
    [[nodiscard]] std::size_t size() const { return layers_.size(); }
    //! The enclosing step's random stream, for the next call: each layer draws from its own.
    void set_stream(random_stream const& s) { stream_ = s; }
    //! Each layer's step, as bound now (for reports).
    [[nodiscard]] std::vector<step> const& layers() const { return layers_; }

private:
    // Layer i's stream: the enclosing one's, with a layer number of its own (mixed with the
    // enclosing layer's, so nested repeats' layers differ too).
    [[nodiscard]] random_stream layer_stream(std::size_t i) const {
        return {stream_.seed, stream_.step, stream_.layer * 0x9E3779B1u + static_cast<std::uint32_t>(i) + 1u};
    }

    template <class S>
    static typename S::vector_type const& vector_of(void const* v) {
        return *static_cast<typename S::vector_type const*>(v);
    }

    template <class... L>
    void bind_layer(typename Spec::h const& h, typename Spec::cotangent const& g, L const&... p) {
        auto const f = typename Spec::block{}(h, p...);
        layers_.push_back(step::in_region(&shared_, tapeless::build<op::seed, false>(f, g), h, p...));
    }

    template <std::size_t K>
    static std::string length_message(std::size_t const (&n)[K]) {
        std::string m = "tapeless: repeat: the stacks differ in length:";
        std::size_t k = 0;
        [&]<class... S>(type_list<S...>) {
            ((m += (k ? ", '" : " '") + std::string(S::name.view()) + "' has " + std::to_string(n[k]), ++k), ...);
        }(stacks{});
        return m;
    }

    std::vector<step> layers_;
    shared_region<T> shared_; // every layer's phase-local buffers
    aligned_ptr<T> cot_;
    std::size_t cot_capacity_ = 0;
    T const* x_ = nullptr;
    T* y_ = nullptr;
    T const* ybar_ = nullptr;
    T* dx_ = nullptr;
    shape xs_{};
    random_stream stream_{};
};

//! A stack's gradients, layer by layer: `step.grad(W)[3]` views layer 3's gradient in the step's
//! workspace, like `step.grad(Wo)`. Valid until the step is bound again.
template <class Runner, class S>
class layer_gradients {
public:
    explicit layer_gradients(Runner const* r) : r_(r) {}
    [[nodiscard]] auto operator[](std::size_t i) const { return r_->template grad<S>(i); }
    [[nodiscard]] std::size_t size() const { return r_->size(); }

private:
    Runner const* r_;
};

template <class T, class Spec>
struct call_kernel<T, op::repeat<Spec>> : call_kernel<T, void> {
    template <class Ex>
    static void run(void* runner, Ex const& ex) {
        static_cast<repeat_runner<Spec, T>*>(runner)->forward(ex);
    }
};
template <class T, class Spec>
struct call_kernel<T, op::repeat_back<Spec>> : call_kernel<T, void> {
    template <class Ex>
    static void run(void* runner, Ex const& ex) {
        static_cast<repeat_runner<Spec, T>*>(runner)->backward(ex);
    }
};

} // namespace tapeless::detail

#endif
