// The seed step and one Adam step over a parameter set, for measuring what the Boost.Hana surface
// costs to compile (benchmarks/RESULTS.md, "Parameter sets"):
//   /usr/bin/time -f "%U s %M KB" g++ -std=c++20 -O2 -I include -c benchmarks/compile/seed_params.cpp -o /dev/null
// With -DTAPELESS_VARIADIC the same TU uses the variadic calls instead: compile(loss, W1, B1, ...),
// opt.step(w1, step.grad(W1), ...). Either way the compiled step has the same type.
#include <tapeless/tapeless.hpp>
#ifndef TAPELESS_VARIADIC
#include <tapeless/params.hpp>
#endif

namespace tl = tapeless;

float seed_params(tl::Tensor<float> const& x, tl::Tensor<float> const& y, tl::Tensor<float>& w1,
                  tl::Tensor<float>& b1, tl::Tensor<float>& w2, tl::Tensor<float>& b2,
                  tl::optim::adam<float>& adam) {
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);
    auto loss = tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(x), W1, B1)), W2, B2), tl::input<"y">(y));
#ifdef TAPELESS_VARIADIC
    auto step = tl::compile(loss, W1, B1, W2, B2);
    step();
    adam.step(w1, step.grad(W1), b1, step.grad(B1), w2, step.grad(W2), b2, step.grad(B2));
    return step.value() + step.grad(W1)(0, 0);
#else
    auto params = tl::parameters(W1, B1, W2, B2);
    auto step = tl::compile(loss, params);
    step();
    adam.step(params, step);
    return step.value() + step.grad<"w1">()(0, 0);
#endif
}
