//! @file Defines what the checkpoint tests (tests/npz, tests/fuzz/npz.cpp) share: a scratch
//! directory, whole files as bytes, and hand-made `.npy` arrays zipped with libzip.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_NPZ_HPP
#define TAPELESS_TEST_SUPPORT_NPZ_HPP

#include <zip.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tapeless::test::npz {

namespace fs = std::filesystem;
using bytes = std::string;

//! A fresh directory, removed with everything in it at the end of the test.
struct temp_dir {
    fs::path path;
    explicit temp_dir(std::string const& tag) {
        auto tick = std::chrono::steady_clock::now().time_since_epoch().count();
        path = fs::temp_directory_path() / ("tapeless-" + tag + "-" + std::to_string(tick));
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

inline bytes read_file(fs::path const& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

inline void write_file(fs::path const& p, bytes const& b) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(b.data(), static_cast<std::streamsize>(b.size()));
}

//! A version 1.0 `.npy` array with the header dict given verbatim (padded as numpy pads it).
inline bytes npy(std::string const& dict, bytes const& payload) {
    std::string d = dict;
    while ((10 + d.size() + 1) % 64) d += ' ';
    d += '\n';
    bytes out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(d.size() & 0xff);
    out += static_cast<char>(d.size() >> 8);
    return out + d + payload;
}

//! Zips (name, content) pairs, stored or deflated, into `p`.
inline void write_zip(fs::path const& p, std::vector<std::pair<std::string, bytes>> const& files, bool deflate = false) {
    int err = 0;
    zip_t* z = zip_open(p.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z) throw std::runtime_error("test: zip_open failed");
    for (auto const& [name, content] : files) {
        zip_source_t* s = zip_source_buffer(z, content.data(), content.size(), 0);
        zip_int64_t at = zip_file_add(z, name.c_str(), s, 0);
        if (at < 0) throw std::runtime_error("test: zip_file_add failed");
        zip_set_file_compression(z, static_cast<zip_uint64_t>(at), deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
    }
    if (zip_close(z) != 0) throw std::runtime_error("test: zip_close failed");
}

} // namespace tapeless::test::npz

#endif
