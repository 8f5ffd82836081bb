// The seed step and every report of it, as one translation unit: what printing the derived
// gradients (text and LaTeX), drawing the graphs and explaining the plan add to seed_step.cpp.
//   /usr/bin/time -v g++ -std=c++20 -O2 -I include -c benchmarks/compile/seed_reports.cpp
#include <tapeless/tapeless.hpp>

#include <string>

namespace tl = tapeless;

std::string seed_reports(tl::Tensor<float> const& x, tl::Tensor<float> const& y, tl::Tensor<float>& w1,
                         tl::Tensor<float>& b1, tl::Tensor<float>& w2, tl::Tensor<float>& b2) {
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);
    auto loss = tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(x), W1, B1)), W2, B2), tl::input<"y">(y));
    auto step = tl::compile(loss, W1, B1, W2, B2);
    return tl::to_string(tl::grad(loss, W1)) + tl::to_latex(tl::grad(loss, W1)) +
           tl::to_dot(loss, W1, B1, W2, B2) + tl::to_dot(step) + tl::explain(step) + tl::describe(step);
}
