//! @file Defines `tapeless::fixed_string`, a string usable as a template argument (leaf names).
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_DETAIL_FIXED_STRING_HPP
#define TAPELESS_DETAIL_FIXED_STRING_HPP

#include <cstddef>
#include <string_view>

namespace tapeless {

//! A compile-time string: `param<"w1">(w)` puts "w1" in the leaf's type, so the name costs nothing
//! at run time and appears in diagnostics.
template <std::size_t N>
struct fixed_string {
    char value[N]{};
    constexpr fixed_string() = default;
    constexpr fixed_string(char const (&s)[N]) {
        for (std::size_t i = 0; i < N; ++i) value[i] = s[i];
    }
    [[nodiscard]] constexpr std::string_view view() const { return {value, N - 1}; }
    template <std::size_t M>
    constexpr bool operator==(fixed_string<M> const& o) const {
        return view() == o.view();
    }
};

//! "w7" from "w" and 7: names for leaves made in compile-time loops (`param<indexed_name<"w", I>()>`).
template <fixed_string Prefix, std::size_t I>
constexpr auto indexed_name() {
    constexpr std::size_t digits = [] {
        std::size_t d = 1;
        for (std::size_t v = I; v >= 10; v /= 10) ++d;
        return d;
    }();
    constexpr std::size_t len = Prefix.view().size();
    fixed_string<len + digits + 1> r;
    for (std::size_t i = 0; i < len; ++i) r.value[i] = Prefix.value[i];
    std::size_t v = I;
    for (std::size_t i = 0; i < digits; ++i, v /= 10) r.value[len + digits - 1 - i] = char('0' + v % 10);
    return r;
}

} // namespace tapeless

#endif
