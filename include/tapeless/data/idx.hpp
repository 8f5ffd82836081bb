//! @file Defines `tapeless::data::read_idx`: IDX files (the MNIST format), gzip-compressed or
//! plain, read into tensors. Needs zlib (link `tapeless::zlib`); not included by tapeless.hpp.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_DATA_IDX_HPP
#define TAPELESS_DATA_IDX_HPP

#include "../error.hpp"
#include "../tensor/tensor.hpp"

#include <zlib.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace tapeless::data {

//! A data file that cannot be read as what it claims to be: "tapeless: corrupt file <path>: <why>"
//! (truncated, a wrong magic number, sizes the data does not back, a bad gzip trailer, ...). The
//! library's one file error, the one checkpoints throw too.
using file_error = tapeless::file_error;

//! A data file that does not exist: "tapeless: file not found: <path>".
struct file_missing : file_error {
    using file_error::file_error;
};

//! An IDX file's contents: its dimensions as the header gives them, and its values as a
//! `dims[0] x (dims[1] * dims[2] * ...)` tensor (`n x 1` for a one-dimensional file), each
//! multiplied by the `scale` given to `read_idx`.
template <element T>
struct idx_data {
    std::vector<std::size_t> dims;
    Tensor<T> values;
};

namespace detail {

// IDX magic: two zero bytes, the element type, the number of dimensions.
inline constexpr std::uint8_t idx_ubyte = 0x08, idx_sbyte = 0x09, idx_short = 0x0b, idx_int = 0x0c,
                              idx_float = 0x0d, idx_double = 0x0e;
// Far above any dataset held in memory; rejects a corrupt extent before it can size anything.
inline constexpr std::uint32_t idx_max_extent = 1u << 24;
inline constexpr std::size_t idx_max_rank = 8;
inline constexpr std::uint64_t idx_max_elements = std::uint64_t{1} << 40;

inline std::size_t idx_element_size(std::uint8_t type) {
    switch (type) {
    case idx_ubyte:
    case idx_sbyte: return 1;
    case idx_short: return 2;
    case idx_int:
    case idx_float: return 4;
    case idx_double: return 8;
    default: return 0;
    }
}

inline std::string hex32(std::uint32_t v) {
    char buf[11];
    std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
    return buf;
}

//! A gzip-compressed or plain file (zlib reads both), closed on scope exit. Every failure throws
//! `file_error` naming the file.
class gz_file {
public:
    explicit gz_file(std::filesystem::path path) : path_(std::move(path)) {
        std::error_code ec;
        if (!std::filesystem::exists(path_, ec)) throw file_missing("tapeless: file not found: " + path_.string());
        file_ = gzopen(path_.c_str(), "rb");
        if (!file_) throw file_error("tapeless: cannot open " + path_.string() + ": " + std::strerror(errno));
    }
    gz_file(gz_file const&) = delete;
    gz_file& operator=(gz_file const&) = delete;
    ~gz_file() { gzclose(file_); }

    [[noreturn]] void corrupt(std::string const& what) const {
        throw file_error("tapeless: corrupt file " + path_.string() + ": " + what);
    }

    //! Exactly `n` bytes; a short read means a truncated file.
    void read(void* out, std::size_t n) {
        auto* p = static_cast<unsigned char*>(out);
        while (n > 0) {
            // gzread takes an unsigned int length; read in chunks well below its limit.
            unsigned chunk = static_cast<unsigned>(n < (1u << 30) ? n : (1u << 30));
            int got = gzread(file_, p, chunk);
            if (got < 0) corrupt(zlib_error());
            if (got == 0) corrupt("truncated");
            p += got;
            n -= static_cast<std::size_t>(got);
        }
    }

    //! IDX headers are big-endian 32-bit words.
    std::uint32_t read_u32_be() {
        std::array<unsigned char, 4> b{};
        read(b.data(), b.size());
        return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
    }

    //! Trailing bytes mean the header lied about the sizes: corruption, not noise.
    void expect_end() {
        unsigned char extra = 0;
        int got = gzread(file_, &extra, 1);
        if (got < 0) corrupt(zlib_error());
        if (got > 0) corrupt("data after the last item");
        // A gzip stream cut inside its trailer still yields every byte: zlib then reports the
        // end of the file as unexpected (Z_BUF_ERROR) rather than failing the read.
        int code = Z_OK;
        char const* what = gzerror(file_, &code);
        if (code != Z_OK) corrupt(what);
    }

    //! `n` bytes, read before they are stored: memory grows with the data actually present, so a
    //! header claiming more ends in "truncated", not in a huge allocation.
    std::vector<std::uint8_t> read_bytes(std::size_t n) {
        constexpr std::size_t chunk = std::size_t{1} << 20;
        std::vector<std::uint8_t> bytes;
        bytes.reserve(n < (std::size_t{64} << 20) ? n : (std::size_t{64} << 20)); // a whole MNIST set
        while (bytes.size() < n) {
            std::size_t const have = bytes.size(), next = n - have < chunk ? n - have : chunk;
            bytes.resize(have + next);
            read(bytes.data() + have, next);
        }
        return bytes;
    }

private:
    std::string zlib_error() {
        int code = 0;
        return gzerror(file_, &code);
    }

    std::filesystem::path path_;
    gzFile file_ = nullptr;
};

//! An IDX file's header and raw (big-endian) element bytes.
struct idx_raw {
    std::uint8_t type = 0;
    std::vector<std::size_t> dims;
    std::vector<std::uint8_t> bytes;
};

//! Reads and checks the header, then the data. `magic`, if non-zero, is the only magic accepted;
//! `check_dims` sees the dimensions after the first is found plausible and before the others are
//! (a format's own rule, like MNIST's 28 x 28, gives the clearer message).
inline idx_raw read_idx_raw(std::filesystem::path const& path, std::uint32_t magic = 0,
                            std::function<void(gz_file const&, std::vector<std::size_t> const&)> const& check_dims = {}) {
    gz_file f(path);
    std::uint32_t const m = f.read_u32_be();
    idx_raw r;
    r.type = static_cast<std::uint8_t>(m >> 8);
    std::size_t const rank = m & 0xff;
    if (magic != 0 && m != magic) f.corrupt("IDX magic " + hex32(m) + ", expected " + hex32(magic));
    if ((m >> 16) != 0 || idx_element_size(r.type) == 0 || rank == 0 || rank > idx_max_rank)
        f.corrupt("IDX magic " + hex32(m) + " is not 0x0000TTRR with a known type TT and rank RR in 1..8");
    std::vector<std::uint32_t> words(rank);
    for (auto& w : words) w = f.read_u32_be();
    r.dims.assign(words.begin(), words.end());
    if (words[0] == 0 || words[0] > idx_max_extent) f.corrupt("implausible count " + std::to_string(words[0]));
    if (check_dims) check_dims(f, r.dims);
    std::uint64_t elements = words[0];
    for (std::size_t k = 1; k < rank; ++k) {
        if (words[k] == 0 || words[k] > idx_max_extent)
            f.corrupt("implausible extent " + std::to_string(words[k]) + " of dimension " + std::to_string(k));
        if (elements > idx_max_elements / words[k]) f.corrupt("implausible size: more than 2^40 elements");
        elements *= words[k];
    }
    r.bytes = f.read_bytes(static_cast<std::size_t>(elements) * idx_element_size(r.type));
    f.expect_end();
    return r;
}

template <class T>
T idx_value(std::uint8_t type, std::uint8_t const* p) {
    auto be = [p](std::size_t n) {
        std::uint64_t v = 0;
        for (std::size_t k = 0; k < n; ++k) v = v << 8 | p[k];
        return v;
    };
    switch (type) {
    case idx_ubyte: return static_cast<T>(p[0]);
    case idx_sbyte: return static_cast<T>(static_cast<std::int8_t>(p[0]));
    case idx_short: return static_cast<T>(static_cast<std::int16_t>(be(2)));
    case idx_int: return static_cast<T>(static_cast<std::int32_t>(be(4)));
    case idx_float: return static_cast<T>(std::bit_cast<float>(static_cast<std::uint32_t>(be(4))));
    default: return static_cast<T>(std::bit_cast<double>(be(8)));
    }
}

template <class T>
idx_data<T> idx_to_tensor(idx_raw const& r, T scale) {
    std::size_t cols = 1;
    for (std::size_t k = 1; k < r.dims.size(); ++k) cols *= r.dims[k];
    idx_data<T> out{r.dims, Tensor<T>(r.dims[0], cols)};
    std::size_t const step = idx_element_size(r.type);
    T* v = out.values.data();
    for (std::size_t k = 0; k < out.values.size(); ++k) v[k] = idx_value<T>(r.type, r.bytes.data() + k * step) * scale;
    return out;
}

} // namespace detail

//! Reads the IDX file at `path` (gzip-compressed or plain) of any element type and rank 1..8,
//! each value multiplied by `scale` (`1.0f / 255` maps bytes to [0, 1]). Throws `file_missing` if
//! there is no such file, `file_error` if it is corrupt: nothing is allocated from the header's
//! sizes before the data backing them has arrived, and a gzip file's checksum and length are
//! checked.
template <element T = float>
idx_data<T> read_idx(std::filesystem::path const& path, T scale = T(1)) {
    return detail::idx_to_tensor<T>(detail::read_idx_raw(path), scale);
}

} // namespace tapeless::data

#endif
