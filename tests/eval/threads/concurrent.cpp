// Steps and training loops on several user threads at once: what may be shared between threads
// and what each thread must own (README, "Threads: what may be shared"). tests/eval/threads/threads.cpp
// checks thread counts within one step; here several steps run at the same time, and each must
// compute exactly the bits it computes alone.
#include "support/seed.hpp"

#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <latch>
#include <thread>
#include <type_traits>
#include <vector>

namespace tl = tapeless;

namespace {

// The executors every test steps with, by number: the default (all threads), serial, two threads.
constexpr int executors = 3;
char const* const executor_name[executors] = {"threads()", "serial", "threads(2)"};
template <class F>
void with_executor(int e, F&& f) {
    if (e == 0)
        f(tl::threads());
    else if (e == 1)
        f(tl::serial);
    else
        f(tl::threads(2));
}

template <class T>
std::vector<T> copy_of(tl::TensorView<T const> v) {
    return {v.data(), v.data() + v.size()};
}

// Whether a view holds exactly the bits of `ref` (NaN payloads and signed zeros included).
template <class T, class V>
bool same_bits(std::vector<T> const& ref, V const& v) {
    return ref.size() == v.size() && std::memcmp(ref.data(), v.data(), ref.size() * sizeof(T)) == 0;
}

// The loss and the four gradients of a seed step, copied out of its workspace.
template <class T>
struct result {
    T loss;
    std::vector<T> w1, b1, w2, b2;
};

template <class T, class Step>
result<T> take(Step const& step, tl::test::seed_net<T> const& s) {
    return {step.value(), copy_of<T>(step.grad(s.W1())), copy_of<T>(step.grad(s.B1())),
            copy_of<T>(step.grad(s.W2())), copy_of<T>(step.grad(s.B2()))};
}

// Bitwise comparison that allocates nothing and calls no Boost.Test macro, so worker threads may
// use it (Boost.Test's assertions are not thread-safe).
template <class T, class Step>
bool same_as(Step const& step, tl::test::seed_net<T> const& s, result<T> const& r) {
    T const loss = step.value();
    return std::memcmp(&loss, &r.loss, sizeof(T)) == 0 && same_bits(r.w1, step.grad(s.W1())) &&
           same_bits(r.b1, step.grad(s.B1())) && same_bits(r.w2, step.grad(s.W2())) &&
           same_bits(r.b2, step.grad(s.B2()));
}

template <class Step>
std::size_t split_kernels(Step const& step) {
    return static_cast<std::size_t>(std::count_if(step.partitions().begin(),
                                                  step.partitions().end(),
                                                  [](auto const& p) { return p.blocks > 1; }));
}

// Runs every job on a thread of its own, all released at once; returns how many calls returned
// false.
int run_together(std::vector<std::function<bool()>> const& jobs, int rounds) {
    std::latch go(static_cast<std::ptrdiff_t>(jobs.size()));
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (auto const& job : jobs)
        threads.emplace_back([&, job] {
            go.arrive_and_wait();
            for (int r = 0; r < rounds; ++r)
                if (!job())
                    wrong.fetch_add(1);
        });
    for (auto& t : threads)
        t.join();
    return wrong.load();
}

template <class T>
std::vector<T> params_of(tl::test::seed_net<T> const& s) {
    std::vector<T> p;
    for (auto const* t : {&s.w1, &s.b1, &s.w2, &s.b2})
        p.insert(p.end(), t->data(), t->data() + t->size());
    return p;
}

// `steps` of step + Adam on the seed network, compiled and run on the calling thread.
template <class T>
void train(tl::test::seed_net<T>& s, int executor, int steps) {
    auto step = s.compile();
    tl::optim::adam<T> opt({.lr = T(0.01)});
    with_executor(executor, [&](auto const& ex) {
        for (int i = 0; i < steps; ++i) {
            step(ex);
            opt.step(s.w1, step.grad(s.W1()), s.b1, step.grad(s.B1()), s.w2, step.grad(s.W2()),
                     s.b2, step.grad(s.B2()));
        }
    });
}

} // namespace

BOOST_AUTO_TEST_SUITE(eval_concurrent)

// One model type, two bindings (other data, other N), two user threads stepping at once with every
// pair of executors: each gets the bits it gets when the two run one after the other.
BOOST_AUTO_TEST_CASE(one_model_type_two_bindings_stepped_at_once) {
    tl::test::seed_net<float> a(2000, 30, 20, 1, 1), b(2501, 30, 20, 1, 2);
    auto sa = a.compile();
    auto sb = b.compile();
    static_assert(std::is_same_v<decltype(sa), decltype(sb)>);
    sa(tl::serial);
    sb(tl::serial);
    auto const ra = take(sa, a), rb = take(sb, b);
    BOOST_TEST(ra.loss != rb.loss);     // other data: a step reading the other's tensors would show
    BOOST_TEST(split_kernels(sa) > 0u); // kernels run in blocks, so threads(...) shares them out
    BOOST_TEST(split_kernels(sb) > 0u);
    for (int ea = 0; ea < executors; ++ea) {
        for (int eb = 0; eb < executors; ++eb) {
            BOOST_TEST_CONTEXT("a on " << executor_name[ea] << ", b on " << executor_name[eb]) {
                int wrong = run_together({[&] {
                                              with_executor(ea, [&](auto const& ex) { sa(ex); });
                                              return same_as(sa, a, ra);
                                          },
                                          [&] {
                                              with_executor(eb, [&](auto const& ex) { sb(ex); });
                                              return same_as(sb, b, rb);
                                          }},
                                         25);
                BOOST_TEST(wrong == 0);
            }
        }
    }
    // And once more with the assertions on this thread, each step's last results kept.
    BOOST_TEST(same_as(sa, a, ra));
    BOOST_TEST(same_as(sb, b, rb));
}

// Two steps bound to the SAME tensors (read only: a step never writes a leaf) running at once,
// while a third thread reads a finished step's results: every one sees the bits of a step alone.
BOOST_AUTO_TEST_CASE(steps_sharing_tensors_read_only_and_results_read_by_many) {
    tl::test::seed_net<double> s(3000, 24, 16, 2, 5);
    auto first = s.compile();
    auto second = s.compile();
    auto done = s.compile();
    done(tl::serial);
    auto const r = take(done, s);
    BOOST_TEST(split_kernels(first) > 0u);
    auto const before = params_of(s);
    int wrong = run_together({[&] {
                                  first();
                                  return same_as(first, s, r);
                              },
                              [&] {
                                  second(tl::threads(2));
                                  return same_as(second, s, r);
                              },
                              [&] { return same_as(done, s, r); }, // const members only
                              [&] { return same_as(done, s, r); }},
                             20);
    BOOST_TEST(wrong == 0);
    BOOST_TEST((params_of(s) == before)); // nothing wrote the shared tensors
}

// Each step has a workspace of its own, which every call of that step reuses: results of two
// steps never overlap, and a step's results are overwritten in place by its next call. (So two
// threads calling ONE step at once would write the same memory: not allowed.)
BOOST_AUTO_TEST_CASE(each_step_owns_its_workspace_and_reuses_it) {
    tl::test::seed_net<float> a(700, 8, 16, 1, 1), b(700, 8, 16, 1, 2);
    auto sa = a.compile();
    auto sb = b.compile();
    sa();
    sb();
    auto ga = sa.grad(a.W1());
    auto gb = sb.grad(b.W1());
    BOOST_TEST((ga.data() + ga.size() <= gb.data() || gb.data() + gb.size() <= ga.data()));
    auto const old = copy_of<float>(ga);
    a.x(0, 0) += 1.0f; // other data, same storage
    sa();
    BOOST_TEST(sa.grad(a.W1()).data() == ga.data()); // the same memory...
    BOOST_TEST(!same_bits(old, ga)); // ...overwritten: the old view now shows new values
}

// Several user threads, each compiling and stepping a step of its own (other N, other executor),
// all at once, more threads than cores: each gets its sequential bits.
BOOST_AUTO_TEST_CASE(several_user_threads_each_with_its_own_step) {
    constexpr int users = 5;
    std::size_t const n[users] = {1800, 2048, 2300, 64, 3001};
    std::vector<result<double>> ref;
    for (int u = 0; u < users; ++u) { // one after the other
        tl::test::seed_net<double> s(n[u], 20, 24, 3, 100 + u);
        auto step = s.compile();
        step(tl::serial);
        ref.push_back(take(step, s));
    }
    std::atomic<int> wrong{0}, unsplit{0};
    std::latch go(users);
    std::vector<std::thread> threads;
    for (int u = 0; u < users; ++u) {
        threads.emplace_back([&, u] {
            tl::test::seed_net<double> s(n[u], 20, 24, 3, 100 + u);
            auto step = s.compile();
            if (n[u] > 1000 && split_kernels(step) == 0)
                unsplit.fetch_add(1);
            go.arrive_and_wait();
            for (int r = 0; r < 12; ++r)
                with_executor((u + r) % executors, [&](auto const& ex) {
                    step(ex);
                    if (!same_as(step, s, ref[u]))
                        wrong.fetch_add(1);
                });
        });
    }
    for (auto& t : threads)
        t.join();
    BOOST_TEST(wrong.load() == 0);
    BOOST_TEST(unsplit.load() == 0);
}

// Training loops (step + Adam) in parallel user threads, each owning its tensors, step and
// optimizer: every parameter bitwise equal to training the same models one after the other.
BOOST_AUTO_TEST_CASE(training_loops_in_parallel_equal_sequential) {
    constexpr int models = 3, steps = 30;
    std::size_t const n[models] = {1500, 2200, 3100};
    auto make = [&](int m) { return tl::test::seed_net<float>(n[m], 20, 16, 2, 40 + m); };
    std::vector<std::vector<float>> ref;
    for (int m = 0; m < models; ++m) {
        auto s = make(m);
        train(s, 1, steps); // serial, one model after the other
        ref.push_back(params_of(s));
        BOOST_TEST((ref.back() != params_of(make(m)))); // training moved the parameters
    }
    for (int round = 0; round < 2; ++round) {
        std::vector<tl::test::seed_net<float>> nets;
        for (int m = 0; m < models; ++m)
            nets.push_back(make(m));
        std::vector<std::thread> threads;
        for (int m = 0; m < models; ++m) // model m on executor m + round: every executor each round
            threads.emplace_back([&, m] { train(nets[m], (m + round) % executors, steps); });
        for (auto& t : threads)
            t.join();
        for (int m = 0; m < models; ++m)
            BOOST_TEST_CONTEXT("round " << round << ", model " << m) {
                BOOST_TEST((params_of(nets[m]) == ref[m]));
            }
    }
}

// The pool is one per process: while one thread's kernel has it, another thread's kernel does not
// wait for it but runs all its blocks on its own thread (same blocks, so same results).
BOOST_AUTO_TEST_CASE(busy_pool_other_thread_runs_its_blocks_itself) {
    auto& pool = tl::exec::detail::pool::instance();
    pool.reserve(2);
    struct context {
        std::atomic<int> started{0};
        std::atomic<bool> other_done{false}, timed_out{false};
        std::atomic<std::thread::id> ran_on[8]{};
    } c;
    // The holder's blocks wait, up to 10 s, until the other thread's task is done.
    tl::exec::task holder{[](void const* ctx, std::size_t) {
                              auto& c = *static_cast<context*>(const_cast<void*>(ctx));
                              c.started.fetch_add(1);
                              auto const until =
                                  std::chrono::steady_clock::now() + std::chrono::seconds(10);
                              while (!c.other_done.load()) {
                                  if (std::chrono::steady_clock::now() > until) {
                                      c.timed_out.store(true);
                                      return;
                                  }
                              }
                          },
                          &c, 2};
    tl::exec::task other{[](void const* ctx, std::size_t b) {
                             auto& c = *static_cast<context*>(const_cast<void*>(ctx));
                             c.ran_on[b].store(std::this_thread::get_id());
                         },
                         &c, 8};
    std::thread h([&] { pool.run(holder, 2); });
    while (c.started.load() == 0)
        std::this_thread::yield(); // the holder has the pool
    pool.run(other, 2);
    c.other_done.store(true);
    h.join();
    BOOST_TEST(!c.timed_out.load());
    for (auto const& id : c.ran_on)
        BOOST_TEST((id.load() == std::this_thread::get_id()));
}

BOOST_AUTO_TEST_SUITE_END()
