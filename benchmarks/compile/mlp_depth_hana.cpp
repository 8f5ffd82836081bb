// mlp_depth.cpp with the layers as a Boost.Hana tuple of hana::pairs and the parameters as a
// parameter set (benchmarks/RESULTS.md, "Parameter sets"):
//   /usr/bin/time -f "%U s %M KB" g++ -std=c++20 -O2 -I include -DTAPELESS_DEPTH=L -c benchmarks/compile/mlp_depth_hana.cpp -o /dev/null
// Built like mlp_depth.cpp, line for line, and its compiled step has the same type (parameters in
// the order w0.., b0..), so the difference is what the Hana surface costs.
#include <tapeless/params.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/hana/pair.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>

#include <array>
#include <utility>

#ifndef TAPELESS_DEPTH
#define TAPELESS_DEPTH 8
#endif

namespace tl = tapeless;
namespace hana = boost::hana;
constexpr std::size_t depth = TAPELESS_DEPTH;

// hana::make_tuple(hana::make_pair(param<"w0">(w[0]), param<"b0">(b[0])), ...).
template <std::size_t L>
auto hana_layers(std::array<tl::Tensor<float>, L> const& w, std::array<tl::Tensor<float>, L> const& b) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return hana::make_tuple(
            hana::make_pair(tl::param<tl::indexed_name<"w", I>()>(w[I]), tl::param<tl::indexed_name<"b", I>()>(b[I]))...);
    }(std::make_index_sequence<L>{});
}

float mlp_step(tl::Tensor<float> const& x, tl::Tensor<float> const& y, std::array<tl::Tensor<float>, depth> const& w,
               std::array<tl::Tensor<float>, depth> const& b) {
    auto net = hana_layers(w, b);
    auto loss = tl::mse(tl::mlp(tl::input<"x">(x), net), tl::input<"y">(y));
    auto params = hana::unpack(net, [](auto const&... l) { return tl::parameters(hana::first(l)..., hana::second(l)...); });
    auto step = tl::compile(loss, params);
    step();
    return step.value();
}
