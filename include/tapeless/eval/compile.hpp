//! @file Defines the evaluation entry points: `compile`, `value_and_grad`, `eval` and `grad`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EVAL_COMPILE_HPP
#define TAPELESS_EVAL_COMPILE_HPP

#include "../error.hpp"
#include "../exec/executor.hpp"
#include "../graph/check.hpp"
#include "../graph/derive.hpp"
#include "../graph/bind.hpp"
#include "../expr/stack.hpp"
#include "../ops/repeat.hpp"
#include "../tensor/tensor.hpp"
#include "run_plan.hpp"
#include "label_check.hpp"
#include "../plan/plan.hpp"
#include "workspace.hpp"

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace tapeless {

namespace detail {
// Op::apply for the op at runtime index `op` of `Ops`, on `n` leading arguments: immediates are
// evaluated once per bind, so a switch is cheaper to compile than a function per node.
template <class Ops, class T>
T apply_op(std::size_t op, std::size_t n, T const* x) {
    T r{};
    [&]<class... O>(type_list<O...>) {
        std::size_t i = 0;
        (void)((i++ == op && ([&] {
                    if constexpr (requires { O::apply(x[0], x[1]); }) r = n == 2 ? O::apply(x[0], x[1]) : T{};
                    if constexpr (requires { O::apply(x[0]); }) if (n == 1) r = O::apply(x[0]);
                }(), true)) || ...);
    }(Ops{});
    return r;
}
// "tapeless: matmul: shapes 64x784 ('x') and 748x50 ('w'): inner extents differ": an op whose
// arguments' runtime extents do not fit, naming the arguments that are leaves.
[[noreturn]] inline void throw_op_error(char const* op, std::span<shape const> args,
                                        std::span<std::string_view const> leaves, char const* why) {
    std::string msg = "tapeless: "; // appends: GCC 12 -Wrestrict false positive on `+`
    msg += op;
    msg += ": shapes";
    for (std::size_t k = 0; k < args.size(); ++k) {
        msg += k ? " and " : " ";
        msg += to_string(args[k]);
        if (!leaves[k].empty()) {
            msg += " ('";
            msg += leaves[k];
            msg += "')";
        }
    }
    msg += ": ";
    msg += why;
    throw shape_error(msg);
}

// " (after 'x' changed from 7x784 to 5x784)": which new extents made a re-bind fail.
inline std::string describe_changes(std::span<std::string_view const> names, std::span<shape const> before,
                                    std::span<shape const> after) {
    std::string list;
    for (std::size_t j = 0; j < names.size(); ++j) {
        if (before[j] == after[j] || names[j].empty()) continue;
        list += list.empty() ? " (after '" : ", '"; // appends: GCC 12 -Wrestrict false positive on `+`
        list += names[j];
        list += "' changed from ";
        list += to_string(before[j]);
        list += " to ";
        list += to_string(after[j]);
    }
    return list.empty() ? list : list + ")";
}
template <class Step>
struct finite_checker; // check_finite.hpp
template <class Spec, class T>
class repeat_runner; // repeat_runner.hpp
template <class Runner, class S>
class layer_gradients; // repeat_runner.hpp

// The specs of the `repeat`s among an op list, and what a step keeps for them.
template <class O>
struct repeat_spec_of {
    using type = type_list<>;
};
template <class Spec>
struct repeat_spec_of<op::repeat<Spec>> {
    using type = type_list<Spec>;
};
template <class Ops>
struct repeat_specs;
template <class... O>
struct repeat_specs<type_list<O...>> {
    using type = typename concat<typename repeat_spec_of<O>::type...>::type;
};
template <class Specs, class T>
struct runners;
template <class... S, class T>
struct runners<type_list<S...>, T> {
    using type = std::tuple<repeat_runner<S, T>...>;
};
// The spec of the `repeat` holding stack W.
template <class W, class... S>
constexpr std::size_t owner_of(type_list<S...>) {
    return find_index({contains_v<W, typename S::stacks>...});
}
//! Never defined: `step.grad<"w9">()` for a name no differentiated leaf has fails on this type,
//! so the first error line carries the name.
template <char... Name>
struct no_gradient_named;
} // namespace detail

//! A loss and the gradients of `Wrt...`, planned once. Calling it recomputes everything from what
//! the bound tensors hold now, into a workspace allocated here: a call allocates nothing.
template <class Loss, class... Wrt>
class compiled {
public:
    using value_type = typename Loss::value_type;
    //! The loss and its gradients as records (`graph/derive.hpp`), and their schedule.
    using derivation = detail::derived<Loss, Wrt...>;
    using plan = detail::plan<derivation>;
    //! The leaves and runtime scalars bound, by slot.
    using leaves = typename derivation::leaves;
    //! The leaves differentiated, in the order given to `compile`.
    using wrt = detail::type_list<Wrt...>;
    //! The specs of the loss's `repeat`s (`detail::repeat_spec`), in the order of its op list.
    using repeat_specs = typename detail::repeat_specs<typename plan::ops>::type;

    static_assert(detail::leaf_names_unique(leaves{}),
                  "tapeless: two different leaves share one name (kind, element type or static shape differ)");

    explicit compiled(Loss const& loss, Wrt const&... wrt) : compiled(nullptr, loss, wrt...) {}

private:
    // A `repeat` layer's step: its phase-local buffers in `shared` (null: all in its own workspace).
    compiled(detail::shared_region<value_type>* shared, Loss const& loss, Wrt const&... wrt) : shared_(shared) {
        tapeless::collect(loss, b_);
        // A braced list, not a comma fold: clang caps folds at 256 operands (128 layers' w and b).
        (void)std::initializer_list<int>{((void)wrt_check<Loss, Wrt>::ok, detail::collect_leaf(wrt, b_.arrays(), detail::index_of_v<Wrt, leaves>), 0)..., 0};
        bind(b_);
        bound_ = true;
        check_labels();
    }
    static compiled in_region(detail::shared_region<value_type>* shared, Loss const& loss, Wrt const&... wrt) {
        return compiled(shared, loss, wrt...);
    }

public:

    //! One evaluation: the loss and every requested gradient, on every thread `num_threads()`
    //! allows. First checks that every `Tensor` behind a leaf still has the storage and extents it
    //! was bound with; if not, binds again (see `refresh`), so new storage or a smaller last
    //! minibatch is followed, never read stale.
    void operator()() { (*this)(threads()); }

    //! The same on executor `ex`: `step(tl::serial)`, `step(tl::threads(2))`. Every executor
    //! computes the same bits: kernels are cut into blocks fixed by the bound shapes, and partial
    //! reductions are combined in block order whatever thread ran them.
    template <class Executor>
    void operator()(Executor const& ex) {
#ifdef TAPELESS_CHECK_FINITE
        (void)ex;
        detail::finite_checker<compiled>::run(*this);
#else
        prepare();
        if (split_) ex.reserve(); // a step of single-block kernels never touches the pool
        detail::run_plan<plan, value_type>(s_, ex);
        ++s_.stream.step;
#endif
    }

    //! The seed of the step's random ops (`dropout`): with the step number, it fixes every mask.
    void seed(std::uint64_t s) { s_.stream.seed = s; }
    //! The number of the next call, one more after each call (0 first): masks differ from call to
    //! call and repeat when a run restarts from a saved step number.
    [[nodiscard]] std::uint64_t step_number() const { return s_.stream.step; }
    //! Sets the number of the next call (to resume a run, or to repeat a call's masks).
    void set_step_number(std::uint64_t n) { s_.stream.step = n; }

    //! Whether each call first checks the class labels that `one_hot`/`cross_entropy` read (whole
    //! numbers in 0..K-1, else `value_error` naming the leaf, row and value). On by default: one
    //! pass over m labels, against the m x K work that reads them. `compile()` checks them anyway.
    void check_labels(bool on) { check_labels_ = on; }

    //! The loss of the last call (a 1 x 1 expression).
    [[nodiscard]] value_type value() const {
        static_assert(Loss::static_shape.rows == 1 && Loss::static_shape.cols == 1,
                      "tapeless: value() is for 1 x 1 expressions; use result()");
        return s_.ptr[root_index][0];
    }
    //! The full value of the last call.
    [[nodiscard]] auto result() const { return view<Loss>(root_index); }
    //! The gradient of the last call with respect to leaf `w`, viewing the workspace.
    template <class W>
    [[nodiscard]] auto grad(W const&) const {
        static_assert(detail::contains_v<W, detail::type_list<Wrt...>>,
                      "tapeless: grad: this leaf was not passed to compile()");
        if constexpr (detail::is_stack_v<W>) return layer_grads<W>();
        else return view<W>(gradient_index<W>);
    }
    //! The gradient with respect to the leaf named `Name`: `step.grad<"w1">()` is `step.grad(W1)`.
    //! A name that no leaf passed to `compile()` has is a compile error naming it.
    template <fixed_string Name>
    [[nodiscard]] auto grad() const {
        constexpr std::size_t i = wrt_named<Name>();
        if constexpr (i == detail::npos) {
            // Incomplete, spelled as characters: g++ and clang both print those as 'w', '9'.
            []<std::size_t... I>(std::index_sequence<I...>) {
                (void)sizeof(detail::no_gradient_named<Name.value[I]...>);
            }(std::make_index_sequence<Name.view().size()>{});
        } else {
            using W = detail::at_t<i, wrt>;
            if constexpr (detail::is_stack_v<W>) return layer_grads<W>();
            else return view<W>(gradient_index<W>);
        }
    }
    //! For reports: the steps the K-th `repeat` of the loss runs, one per layer, as bound now.
    template <std::size_t K>
    [[nodiscard]] auto const& repeat_layers() const {
        return std::get<K>(*runners_).layers();
    }
    //! For reports: which `repeat` each kernel runs (npos for the rest) and whether it runs the
    //! layers backward.
    static constexpr auto kernel_repeat = [] {
        std::array<detail::kernel_call, plan::a.ngroups + 1> r{};
        [&]<class... S>(detail::type_list<S...>) {
            std::size_t const fwd[] = {detail::index_of_v<op::repeat<S>, typename plan::ops>..., detail::npos};
            std::size_t const back[] = {detail::index_of_v<op::repeat_back<S>, typename plan::ops>..., detail::npos};
            for (std::size_t g = 0; g < plan::a.ngroups; ++g)
                for (std::size_t k = 0; k < sizeof...(S); ++k) {
                    std::size_t const o = plan::info[plan::a.groups[g].node].op;
                    if (plan::a.groups[g].call && (o == fwd[k] || o == back[k])) r[g] = {k, o == back[k]};
                }
        }(repeat_specs{});
        return r;
    }();
    //! Each kernel's blocks for the bound shapes, in run order: fixed at bind, see `exec::partition`.
    [[nodiscard]] std::span<exec::partition const> partitions() const { return {s_.part.data(), plan::a.ngroups}; }
    //! Elements of workspace (intermediates and gradients), for memory reports.
    [[nodiscard]] std::size_t workspace_size() const { return workspace_size_; }
    //! The bound extents of every node of `nodes`, for reports (`explain`, `to_dot`).
    [[nodiscard]] std::span<shape const> shapes() const { return s_.shapes; }
    //! Where node i's buffer starts in the workspace, in elements (an alias: its argument's);
    //! npos for nodes with no workspace buffer (leaves, values held in registers).
    [[nodiscard]] std::size_t workspace_offset(std::size_t i) const {
        std::size_t owner = i;
        while (plan::alias_of[owner] != detail::npos) owner = plan::alias_of[owner];
        if (shared_ && phase_local[owner]) return shared_offset_[owner];
        return plan::wanted[owner] ? static_cast<std::size_t>(s_.ptr[owner] - workspace_.get()) : detail::npos;
    }
    //! Whether node i's buffer is in the region a `repeat`'s layers share (its offset is there).
    [[nodiscard]] bool in_shared_region(std::size_t i) const {
        std::size_t owner = i;
        while (plan::alias_of[owner] != detail::npos) owner = plan::alias_of[owner];
        return shared_ && phase_local[owner];
    }

private:
    template <class Step>
    friend struct detail::finite_checker;
    template <class Spec, class T>
    friend class detail::repeat_runner;

    // What every call does first: follow the tensors behind the leaves, check the labels.
    void prepare() {
        if (!current() || !calls_current()) refresh();
        if (check_labels_) check_labels();
        if constexpr (repeat_specs::size > 0)
            [&]<class... S>(detail::type_list<S...>) {
                (std::get<runner_t<S>>(*runners_).set_stream(s_.stream), ...);
            }(repeat_specs{});
    }

    // Whether every tensor behind a leaf has the storage and extents the plan was bound with.
    [[nodiscard]] bool current() const {
        bool same = bound_;
        for (std::size_t j = 0; j < leaves::size; ++j) {
            auto const& src = b_.sources[j];
            if (!src.tracked()) continue;
            auto now = src.read({b_.data[j], b_.shapes[j].rows, b_.shapes[j].cols});
            same = same && now.data == b_.data[j] && now.rows == b_.shapes[j].rows &&
                   now.cols == b_.shapes[j].cols;
        }
        return same;
    }

    void check_labels() const {
        for (detail::label_use const& u : detail::label_uses<plan>) {
            if (u.probability) {
                bool const leaf = plan::info[u.labels].cat == detail::category::leaf;
                detail::check_probability(leaf ? s_.ptr[u.labels][0] : s_.imm[u.labels],
                                          leaf ? leaf_names[leaf_slot[u.labels]] : std::string_view());
                continue;
            }
            shape s = s_.shapes[u.labels];
            detail::check_labels(s_.ptr[u.labels], s.rows, s.cols, u.rows ? s_.shapes[u.like].rows : s_.shapes[u.like].cols,
                                 leaf_names[leaf_slot[u.labels]], u.rows);
        }
    }

    // Re-reads the tensors behind the leaves and binds again: new runtime extents are checked by
    // every op's shape rule and throw `shape_error` before anything runs; an emptied (moved-from)
    // tensor throws `binding_error` naming its leaf. The workspace grows only if it must.
    void refresh() {
        bound_ = false;
        bindings<value_type, leaves> b = b_;
        for (std::size_t j = 0; j < leaves::size; ++j) {
            auto const& src = b.sources[j];
            if (!src.tracked()) continue;
            auto now = src.read({b.data[j], b.shapes[j].rows, b.shapes[j].cols});
            if (now.data == nullptr)
                throw binding_error("tapeless: the tensor bound as '" + std::string(leaf_names[j]) +
                                    "' has no storage (moved from?)");
            b.data[j] = now.data;
            b.shapes[j] = {now.rows, now.cols};
        }
        try {
            bind(b);
        } catch (shape_error const& e) {
            throw shape_error(e.what() + changed_leaves(b));
        }
        b_ = b;
        bound_ = true;
    }

    [[nodiscard]] std::string changed_leaves(bindings<value_type, leaves> const& b) const {
        return detail::describe_changes(change_names, b_.shapes, b.shapes);
    }

    static constexpr auto leaf_names = []<class... Ns>(detail::type_list<Ns...>) {
        return std::array<std::string_view, sizeof...(Ns)>{detail::leaf_name_v<Ns>...};
    }(leaves{});
    // The names a re-bind's error lists when their extents changed: not a stack's (its length is
    // in its own message).
    static constexpr auto change_names = []<class... Ns>(detail::type_list<Ns...>) {
        return std::array<std::string_view, sizeof...(Ns)>{(detail::is_stack_v<Ns> ? std::string_view{} : detail::leaf_name_v<Ns>)...};
    }(leaves{});
    // The slot of the leaf named `Name` in `wrt`, npos if none.
    template <fixed_string Name>
    static constexpr std::size_t wrt_named() {
        constexpr bool hit[] = {Wrt::name == Name..., false};
        for (std::size_t i = 0; i < sizeof...(Wrt); ++i)
            if (hit[i]) return i;
        return detail::npos;
    }
    static constexpr std::size_t root_index = derivation::graph.out[0];
    template <class W>
    static constexpr std::size_t gradient_index = derivation::graph.out[1 + detail::index_of_v<W, wrt>];
    // For each record, its slot in `leaves` (npos for the rest).
    static constexpr auto leaf_slot = [] {
        std::array<std::size_t, plan::size> r{};
        for (std::size_t i = 0; i < plan::size; ++i) {
            detail::record const& x = derivation::graph.rec[i];
            r[i] = x.kind == detail::record_kind::leaf || x.kind == detail::record_kind::scalar ? x.slot : detail::npos;
        }
        return r;
    }();

    // The `repeat`s of the loss, each with what it keeps (on the heap: call kernels hold its address,
    // which must not move with the step).
    using runners_type = typename detail::runners<repeat_specs, value_type>::type;
    template <class S>
    using runner_t = detail::repeat_runner<S, value_type>;
    std::unique_ptr<runners_type> runners_;

    // Stack W's gradients, layer by layer.
    template <class W>
    auto layer_grads() const {
        using S = detail::at_t<detail::owner_of<W>(repeat_specs{}), repeat_specs>;
        return detail::layer_gradients<runner_t<S>, W>(&std::get<runner_t<S>>(*runners_));
    }

    // The live record of op Op (npos if none) and how many there are; a `repeat` runs once (its
    // stacks are its own). A dead copy (a subexpression holding a number, renumbered where an op
    // such as `mean` reads it again for its extents only) is never run.
    template <class Op>
    static constexpr std::array<std::size_t, 2> records_of_op = [] {
        constexpr std::size_t op = detail::index_of_v<Op, typename plan::ops>;
        std::array<std::size_t, 2> found{detail::npos, 0};
        for (std::size_t i = 0; i < plan::size; ++i) {
            detail::record const& r = derivation::graph.rec[i];
            if (op != detail::npos && plan::a.live[i] && r.kind == detail::record_kind::node && r.op == op) {
                found[0] = i;
                ++found[1];
            }
        }
        return found;
    }();
    template <class Op>
    static constexpr std::size_t record_of_op = records_of_op<Op>[0];

    [[nodiscard]] bool calls_current() const {
        if constexpr (repeat_specs::size == 0) return true;
        else
            return [&]<class... S>(detail::type_list<S...>) {
                return (std::get<runner_t<S>>(*runners_).current() && ...);
            }(repeat_specs{});
    }

    // Each `repeat`'s layers bound on the placed workspace, and its kernels given their runner.
    template <class B>
    void bind_calls(B const& b) {
        if constexpr (repeat_specs::size > 0) {
            if (!runners_) runners_ = std::make_unique<runners_type>();
            [&]<class... S>(detail::type_list<S...>) { (bind_call<S>(b), ...); }(repeat_specs{});
        }
    }
    template <class S, class B>
    void bind_call(B const& b) {
        static_assert(records_of_op<op::repeat<S>>[1] <= 1 && records_of_op<op::repeat_back<S>>[1] <= 1,
                      "tapeless: repeat: this repeat runs twice: its stacks are used by two repeats, or a number "
                      "written in its input is renumbered where the loss reads that input twice (cross_entropy, "
                      "softmax, ...); give each repeat stacks of its own, and name such a number "
                      "(tl::input<\"c\">(0.5))");
        constexpr std::size_t f = record_of_op<op::repeat<S>>, k = record_of_op<op::repeat_back<S>>;
        runner_t<S>& r = std::get<runner_t<S>>(*runners_);
        std::size_t const x = plan::info[f].arg[0];
        auto const vectors = [&]<class... St>(detail::type_list<St...>) {
            return std::array<void const*, sizeof...(St)>{b.sources[detail::index_of_v<St, leaves>].object...};
        }(typename S::stacks{});
        if constexpr (k == detail::npos) {
            r.bind(s_.ptr[x], s_.shapes[x], s_.ptr[f], nullptr, nullptr, vectors);
        } else {
            r.bind(s_.ptr[x], s_.shapes[x], s_.ptr[f], s_.ptr[plan::info[k].arg[1]], s_.ptr[k], vectors);
            s_.call[plan::a.group_of[k]] = &r;
        }
        s_.call[plan::a.group_of[f]] = &r;
    }

    // One phase of a seeded step (a `repeat` block's plan): its forward kernels, or the rest.
    template <class Executor>
    void run_phase(Executor const& ex, bool forward, detail::random_stream const& stream) {
        if (split_) ex.reserve();
        s_.stream = stream;
        constexpr std::size_t mid = plan::forward_kernels;
        detail::run_kernels<plan, value_type>(s_, ex, forward ? 0 : mid, forward ? mid : plan::a.ngroups);
    }

    template <class Like>
    auto view(std::size_t i) const {
        return TensorView<value_type const, Like::static_shape.rows, Like::static_shape.cols>(
            s_.ptr[i], s_.shapes[i].rows, s_.shapes[i].cols);
    }

    // Binding, in named passes: every node's shape by its op's rule (the first mismatch throws
    // before anything is computed) and the immediates' values; the workspace placed; each kernel's
    // node references resolved; each kernel's variant and blocks chosen.
    template <class B>
    void bind(B const& b) {
        infer_shapes(b);
        if constexpr (sizeof...(Wrt) > 0 && !plan::seeded) check_loss_shape(s_.shapes[root_index]);
        place_workspace();
        bind_calls(b);
        detail::resolve_refs<plan>(s_);
        choose_blocks();
    }

    template <class B>
    void infer_shapes(B const& b) {
        using T = value_type;
        for (std::size_t i = 0; i < plan::size; ++i) {
            detail::node_info const& f = plan::info[i];
            if (f.cat == detail::category::leaf) {
                s_.shapes[i] = b.shapes[leaf_slot[i]];
                s_.ptr[i] = const_cast<T*>(b.data[leaf_slot[i]]); // read only: leaves are never written
                continue;
            }
            if (f.nargs == 0) { // scalar or constant
                s_.shapes[i] = {1, 1};
                s_.imm[i] = leaf_slot[i] != detail::npos ? b.values[leaf_slot[i]] : static_cast<T>(f.constant);
                continue;
            }
            shape args[detail::max_arity];
            for (std::size_t k = 0; k < f.nargs; ++k) args[k] = s_.shapes[f.arg[k]];
            shape_result r = infer_shape_n(f.rule, args, f.nargs);
            if (r.ok() && f.check) r.error = f.check(args, f.nargs); // e.g. attention's rows per sequence
            if (!r.ok()) {
                std::string_view names[detail::max_arity];
                for (std::size_t k = 0; k < f.nargs; ++k)
                    if (plan::info[f.arg[k]].cat == detail::category::leaf) names[k] = leaf_names[leaf_slot[f.arg[k]]];
                detail::throw_op_error(f.name, {args, f.nargs}, {names, f.nargs}, r.error);
            }
            s_.shapes[i] = r.value;
            if (f.counts) {
                shape x = args[0];
                std::size_t c = f.count == count_of::size ? x.rows * x.cols : f.count == count_of::rows ? x.rows : x.cols;
                s_.imm[i] = T(1) / static_cast<T>(c);
            } else if (f.cat == detail::category::immediate) {
                T x[detail::max_arity];
                for (std::size_t k = 0; k < f.nreads; ++k) x[k] = s_.imm[f.arg[k]];
                s_.imm[i] = detail::apply_op<typename plan::ops>(f.op, f.nreads, x);
            }
        }
    }

    // A seeded step's buffers that live within one phase (forward or backward) and are no output:
    // with a shared region (`repeat`), they are placed there, the rest in the step's own workspace.
    static constexpr std::array<bool, plan::size> phase_local = [] {
        std::array<bool, plan::size> r{};
        if constexpr (plan::seeded) {
            constexpr std::size_t mid = plan::forward_kernels;
            for (std::size_t i = 0; i < plan::size; ++i) {
                std::size_t const first = plan::first_write[i], last = plan::last_use[i];
                r[i] = plan::wanted[i] && !plan::info[i].output && plan::info[i].cat != detail::category::immediate &&
                       last != detail::npos && (first >= mid || last < mid);
            }
        }
        return r;
    }();
    static constexpr std::array<bool, plan::size> kept_here = [] {
        std::array<bool, plan::size> r{};
        for (std::size_t i = 0; i < plan::size; ++i) r[i] = plan::wanted[i] && !phase_local[i];
        return r;
    }();

    // Buffers placed by lifetime (`place_buffers`); the workspace grows only if it must.
    void place_workspace() {
        using T = value_type;
        constexpr std::size_t n = plan::size;
        std::array<std::size_t, n> size{}, offset{};
        for (std::size_t i = 0; i < n; ++i) size[i] = s_.shapes[i].size();
        if (!shared_) {
            place_in_own(detail::place_buffers<T>(size, plan::wanted, plan::first_write, plan::last_use, offset), offset,
                         plan::wanted);
            return;
        }
        place_in_own(detail::place_buffers<T>(size, kept_here, plan::first_write, plan::last_use, offset), offset,
                     kept_here);
        std::size_t const local = detail::place_buffers<T>(size, phase_local, plan::first_write, plan::last_use, shared_offset_);
        if (local > shared_->capacity || !shared_->data) {
            shared_->data = detail::allocate_aligned<T>(local ? local : 1);
            shared_->capacity = local;
        }
        rebase_shared();
    }
    template <std::size_t N>
    void place_in_own(std::size_t total, std::array<std::size_t, N> const& offset, std::array<bool, N> const& mask) {
        if (total > capacity_ || !workspace_) {
            workspace_ = detail::allocate_aligned<value_type>(total);
            capacity_ = total;
        }
        workspace_size_ = total;
        for (std::size_t i = 0; i < N; ++i) {
            if (mask[i]) s_.ptr[i] = workspace_.get() + offset[i];
            if (plan::alias_of[i] != detail::npos && !phase_local[plan::alias_of[i]]) s_.ptr[i] = s_.ptr[plan::alias_of[i]];
            if (plan::wanted[i] && plan::info[i].cat == detail::category::immediate) s_.ptr[i][0] = s_.imm[i];
        }
    }
    // The phase-local buffers at the shared region's current storage (it may have grown since).
    void rebase_shared() {
        for (std::size_t i = 0; i < plan::size; ++i) {
            if (phase_local[i]) s_.ptr[i] = shared_->data.get() + shared_offset_[i];
            if (plan::alias_of[i] != detail::npos && phase_local[plan::alias_of[i]]) s_.ptr[i] = s_.ptr[plan::alias_of[i]];
        }
    }

    // Each kernel's variant and blocks for the bound shapes, and the scratch their partials need.
    void choose_blocks() {
        std::size_t scratch = detail::choose_variants<plan, value_type>(s_);
        split_ = std::any_of(s_.part.begin(), s_.part.end(), [](exec::partition const& p) { return p.blocks > 1; });
        if (scratch > scratch_capacity_ || !scratch_) {
            scratch_ = detail::allocate_aligned<value_type>(scratch ? scratch : 1);
            scratch_capacity_ = scratch;
        }
        s_.scratch = scratch_.get();
    }

    detail::state<value_type, plan::size, plan::a.ngroups, plan::refs.size()> s_;
    detail::shared_region<value_type>* shared_ = nullptr; // a repeat's, for phase-local buffers
    std::array<std::size_t, plan::size> shared_offset_{};
    detail::aligned_ptr<value_type> workspace_, scratch_;
    std::size_t workspace_size_ = 0, capacity_ = 0, scratch_capacity_ = 0;
    bindings<value_type, leaves> b_;
    bool bound_ = false, split_ = false, check_labels_ = true;
};

//! Plans `loss` and the gradients with respect to the leaves `wrt` once; see `compiled`.
//! `auto step = compile(loss, W1, B1); step(); step.value(); step.grad(W1);`
template <expression Loss, class... Wrt>
    requires(detail::all_differentiable<Wrt...>())
auto compile(Loss const& loss, Wrt const&... wrt) {
    return compiled<Loss, Wrt...>(loss, wrt...);
}

namespace detail {
template <class V>
auto to_tensor(V const& v) {
    using T = std::remove_const_t<typename V::value_type>;
    Tensor<T, V::static_shape.rows, V::static_shape.cols> t(v.rows(), v.cols());
    std::copy_n(v.data(), v.size(), t.data());
    return t;
}
// A stack's gradients, one tensor per layer.
template <class Runner, class S>
auto to_tensor(layer_gradients<Runner, S> const& g) {
    std::vector<decltype(detail::to_tensor(g[0]))> v;
    v.reserve(g.size());
    for (std::size_t i = 0; i < g.size(); ++i) v.push_back(detail::to_tensor(g[i]));
    return v;
}
} // namespace detail

//! The value of an expression, as a new tensor.
template <expression E>
auto eval(E const& e) {
    compiled<E> c(e);
    c();
    return detail::to_tensor(c.result());
}

//! The loss and one gradient tensor per leaf in `wrt`, in one shot:
//! `auto [loss, gw1, gb1] = value_and_grad(mse(...), W1, B1);`
template <expression Loss, class... Wrt>
    requires(detail::all_differentiable<Wrt...>())
auto value_and_grad(Loss const& loss, Wrt const&... wrt) {
    compiled<Loss, Wrt...> c(loss, wrt...);
    c();
    return std::tuple{c.value(), detail::to_tensor(c.grad(wrt))...};
}

} // namespace tapeless

#include "repeat_runner.hpp"

#ifdef TAPELESS_CHECK_FINITE
#include "check_finite.hpp"
#endif

#endif
