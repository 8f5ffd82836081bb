//! @file Defines `tapeless::data::minibatches`: shuffled or sequential minibatches of aligned
//! in-memory tensors, gathered into the tensors a compiled step is bound to.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_DATA_MINIBATCH_HPP
#define TAPELESS_DATA_MINIBATCH_HPP

#include "../error.hpp"
#include "../tensor/tensor.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <random>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace tapeless::data {

//! How `minibatches` cuts an epoch.
struct minibatch_options {
    std::size_t batch = 64;      //!< rows per minibatch
    bool shuffle = true;         //!< a new random order each epoch, else rows in order
    std::uint64_t seed = 0;      //!< seeds the order: the same seed gives the same epochs
    bool drop_last = false;      //!< skip a last minibatch smaller than `batch`
};

//! Minibatches of row-aligned tensors (features n x d, targets n x k, ...): each `next(x, y, ...)`
//! copies the rows of the next minibatch into `x`, `y`, ..., in place. Destinations need runtime
//! rows, the sources' columns and room for `batch` rows (`Tensor<float> x(64, 784)`); a kept
//! partial last minibatch shrinks them with `Tensor::resize_rows` (same storage), the next one
//! grows them back, and a step bound to them plans again. Only construction allocates.
template <element T>
class minibatches {
public:
    using source = TensorView<T const>;

    //! Any number of sources with one row count. Throws `shape_error` if the row counts differ,
    //! `value_error` if `o.batch` is 0.
    minibatches(std::initializer_list<source> sources, minibatch_options o)
        : sources_(sources), options_(o), engine_(o.seed) {
        if (o.batch == 0) throw value_error("tapeless: minibatches: batch size 0");
        if (sources_.empty()) throw value_error("tapeless: minibatches: no source tensors");
        for (std::size_t s = 1; s < sources_.size(); ++s)
            if (sources_[s].rows() != sources_[0].rows())
                throw shape_error("tapeless: minibatches: source " + std::to_string(s) + " has " +
                                  std::to_string(sources_[s].rows()) + " rows, source 0 has " +
                                  std::to_string(sources_[0].rows()));
        order_.resize(sources_[0].rows());
        for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    }
    template <std::size_t R1, std::size_t C1>
    minibatches(Tensor<T, R1, C1> const& a, minibatch_options o) : minibatches({source(a)}, o) {}
    template <std::size_t R1, std::size_t C1, std::size_t R2, std::size_t C2>
    minibatches(Tensor<T, R1, C1> const& a, Tensor<T, R2, C2> const& b, minibatch_options o)
        : minibatches({source(a), source(b)}, o) {}
    template <std::size_t R1, std::size_t C1, std::size_t R2, std::size_t C2, std::size_t R3, std::size_t C3>
    minibatches(Tensor<T, R1, C1> const& a, Tensor<T, R2, C2> const& b, Tensor<T, R3, C3> const& c,
                minibatch_options o)
        : minibatches({source(a), source(b), source(c)}, o) {}

    //! Rows per epoch (the sources' row count).
    [[nodiscard]] std::size_t rows() const { return order_.size(); }
    //! Minibatches per epoch, the partial one counted unless dropped.
    [[nodiscard]] std::size_t batches_per_epoch() const {
        std::size_t const b = options_.batch;
        return options_.drop_last ? rows() / b : (rows() + b - 1) / b;
    }
    //! The epoch of the last minibatch gathered, counting from 0.
    [[nodiscard]] std::size_t current_epoch() const { return epoch_; }
    //! The source rows of the last minibatch gathered, in order.
    [[nodiscard]] std::span<std::size_t const> indices() const {
        return {order_.data() + last_begin_, last_count_};
    }

    //! Gathers the next minibatch into `dst...` (one per source, in order) and returns true; at
    //! the end of an epoch returns false and leaves them alone, and the call after that starts the
    //! next epoch (in a new order when shuffling). Throws `shape_error` naming the destination
    //! whose columns or room do not fit.
    template <std::size_t... C>
    bool next(Tensor<T, dynamic, C>&... dst) {
        if (sizeof...(C) != sources_.size())
            throw shape_error("tapeless: minibatches: next() got " + std::to_string(sizeof...(C)) +
                              " destinations for " + std::to_string(sources_.size()) + " sources");
        std::size_t d = 0;
        (check_destination(d++, dst), ...);
        if (position_ == npos) {
            ++epoch_; // wraps from npos to 0 at the first epoch
            position_ = 0;
            if (options_.shuffle) shuffle();
        }
        std::size_t const left = order_.size() - position_;
        last_count_ = 0;
        if (left == 0 || (options_.drop_last && left < options_.batch)) {
            position_ = npos;
            return false;
        }
        std::size_t const count = std::min(left, options_.batch);
        d = 0;
        (gather(sources_[d++], dst, count), ...);
        last_begin_ = position_;
        last_count_ = count;
        position_ += count;
        return true;
    }

    //! One whole epoch for a range-for: `for (std::size_t b : batches.epoch(x, y)) step();`, b
    //! counting the minibatches from 0. Always starts a new epoch.
    template <std::size_t... C>
    [[nodiscard]] auto epoch(Tensor<T, dynamic, C>&... dst) {
        return epoch_range<C...>{this, {dst...}};
    }

private:
    static constexpr std::size_t npos = std::size_t(-1);

    template <std::size_t... C>
    struct epoch_range {
        minibatches* self;
        std::tuple<Tensor<T, dynamic, C>&...> dst;

        struct sentinel {};
        struct iterator {
            epoch_range* r;
            std::size_t b = 0;
            bool more = false;
            std::size_t operator*() const { return b; }
            iterator& operator++() {
                ++b;
                more = r->advance();
                return *this;
            }
            bool operator==(sentinel) const { return !more; }
        };
        bool advance() {
            return std::apply([this](auto&... t) { return self->next(t...); }, dst);
        }
        iterator begin() {
            self->position_ = npos; // a loop left early abandons the rest of its epoch
            return {this, 0, advance()};
        }
        sentinel end() const { return {}; }
    };

    // Fisher-Yates with a rejection draw from mt19937_64: std::shuffle and the standard
    // distributions differ between standard libraries, this order does not.
    void shuffle() {
        for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[draw(i)]);
    }
    std::size_t draw(std::size_t bound) {
        std::uint64_t const n = bound, limit = std::uint64_t(-1) - std::uint64_t(-1) % n;
        std::uint64_t r;
        do r = engine_();
        while (r >= limit);
        return static_cast<std::size_t>(r % n);
    }

    template <std::size_t C>
    void check_destination(std::size_t d, Tensor<T, dynamic, C> const& t) const {
        source const& s = sources_[d];
        if (t.cols() != s.cols())
            throw shape_error("tapeless: minibatches: destination " + std::to_string(d) + " has " +
                              std::to_string(t.cols()) + " columns, source " + std::to_string(d) + " has " +
                              std::to_string(s.cols()));
        if (t.capacity() < options_.batch * s.cols())
            throw shape_error("tapeless: minibatches: destination " + std::to_string(d) + " (" +
                              to_string(t.shape()) + ") has room for " +
                              std::to_string(s.cols() ? t.capacity() / s.cols() : 0) + " rows, a minibatch has " +
                              std::to_string(options_.batch) + "; make it " + std::to_string(options_.batch) +
                              "x" + std::to_string(s.cols()));
    }
    template <std::size_t C>
    void gather(source const& s, Tensor<T, dynamic, C>& t, std::size_t count) const {
        t.resize_rows(count);
        std::size_t const c = s.cols();
        for (std::size_t r = 0; r < count; ++r)
            std::copy_n(s.data() + order_[position_ + r] * c, c, t.data() + r * c);
    }

    std::vector<source> sources_;
    minibatch_options options_;
    std::mt19937_64 engine_;
    std::vector<std::size_t> order_;
    std::size_t position_ = npos, epoch_ = npos, last_begin_ = 0, last_count_ = 0;
};

template <class T, std::size_t R1, std::size_t C1>
minibatches(Tensor<T, R1, C1> const&, minibatch_options) -> minibatches<T>;
template <class T, std::size_t R1, std::size_t C1, std::size_t R2, std::size_t C2>
minibatches(Tensor<T, R1, C1> const&, Tensor<T, R2, C2> const&, minibatch_options) -> minibatches<T>;
template <class T, std::size_t R1, std::size_t C1, std::size_t R2, std::size_t C2, std::size_t R3, std::size_t C3>
minibatches(Tensor<T, R1, C1> const&, Tensor<T, R2, C2> const&, Tensor<T, R3, C3> const&, minibatch_options)
    -> minibatches<T>;

} // namespace tapeless::data

#endif
