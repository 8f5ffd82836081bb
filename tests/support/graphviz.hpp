//! @file Defines `render_dot(text)`: runs Graphviz's `dot -Tsvg` on DOT text and checks that it
//! accepted it, when the build found `dot` (TAPELESS_TEST_DOT, tests/CMakeLists.txt).
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_GRAPHVIZ_HPP
#define TAPELESS_TEST_SUPPORT_GRAPHVIZ_HPP

#include <boost/test/unit_test.hpp>

#include <unistd.h> // getpid: file names unique across test processes run at once

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace tapeless::test {

//! Renders `dot_text` to SVG: fails the current test if `dot` exits non-zero or writes no SVG.
//! Without `dot`, says the rendering was skipped.
inline void render_dot(std::string const& dot_text, std::string const& what) {
#ifdef TAPELESS_TEST_DOT
    static std::atomic<int> count{0};
    namespace fs = std::filesystem;
    fs::path base = fs::temp_directory_path() /
                    ("tapeless_dot_" + std::to_string(::getpid()) + "_" + std::to_string(count++));
    fs::path in = base.string() + ".dot", out = base.string() + ".svg", err = base.string() + ".err";
    std::ofstream(in, std::ios::binary) << dot_text;
    std::string cmd = std::string("'") + TAPELESS_TEST_DOT + "' -Tsvg '" + in.string() + "' -o '" + out.string() +
                      "' 2> '" + err.string() + "'";
    int status = std::system(cmd.c_str());
    std::ifstream svg_file(out, std::ios::binary), err_file(err);
    std::string svg{std::istreambuf_iterator<char>(svg_file), {}};
    std::string messages{std::istreambuf_iterator<char>(err_file), {}};
    BOOST_TEST(status == 0, what << ": dot -Tsvg failed (" << status << "): " << messages);
    BOOST_TEST(svg.find("<svg") != std::string::npos, what << ": dot wrote no SVG");
    // Warnings (a font missing on a bare machine) are reported, not failed; errors fail.
    BOOST_TEST(messages.find("Error") == std::string::npos, what << ": " << messages);
    if (!messages.empty()) BOOST_TEST_MESSAGE(what << ": dot says: " << messages);
    std::error_code ec;
    fs::remove(in, ec), fs::remove(out, ec), fs::remove(err, ec);
#else
    (void)dot_text;
    BOOST_TEST_MESSAGE(what << ": Graphviz's dot not found at configure time; rendering skipped");
#endif
}

} // namespace tapeless::test

#endif
