//! @file Defines a loader for Fashion-MNIST as shipped by the Debian package `dataset-fashion-mnist`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXAMPLES_SUPPORT_FASHION_MNIST_HPP
#define TAPELESS_EXAMPLES_SUPPORT_FASHION_MNIST_HPP

#include <tapeless/tensor/tensor.hpp>

#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tapeless::examples {

//! Thrown when a dataset file does not exist; what() names the file and the package to install.
//! Distinct from the std::runtime_error thrown for corrupt files, so a demo can exit politely.
struct dataset_missing : std::runtime_error {
    using std::runtime_error::runtime_error;
};

//! One split: `images` is n x 784 (28 x 28 pixels row by row, scaled to [0, 1]); `labels` holds
//! the class 0..9 of each row; `targets` is the same labels as an n x 1 float tensor, ready to be
//! a regression target.
struct fashion_mnist_split {
    Tensor<float> images;
    std::vector<std::uint8_t> labels;
    Tensor<float> targets;

    [[nodiscard]] std::size_t size() const { return labels.size(); }
};

//! The 60,000-image training split and the 10,000-image test split.
struct fashion_mnist {
    fashion_mnist_split train;
    fashion_mnist_split test;
};

//! $TAPELESS_FASHION_MNIST_DIR if set and non-empty, else the Debian package's directory.
inline std::filesystem::path fashion_mnist_dir() {
    char const* env = std::getenv("TAPELESS_FASHION_MNIST_DIR");
    return env && *env ? std::filesystem::path(env) : std::filesystem::path("/usr/share/datasets/fashion-mnist");
}

namespace detail {

inline constexpr std::uint32_t idx_images_magic = 0x00000803; // unsigned byte, 3 dimensions
inline constexpr std::uint32_t idx_labels_magic = 0x00000801; // unsigned byte, 1 dimension
inline constexpr std::size_t image_side = 28;
// Far above any MNIST-like set; rejects a corrupt count before it turns into a huge allocation.
inline constexpr std::uint32_t idx_max_count = 1u << 24;

//! A gzip-compressed (or plain: zlib reads both) file, closed on scope exit.
class gz_file {
public:
    explicit gz_file(std::filesystem::path path) : path_(std::move(path)) {
        std::error_code ec;
        if (!std::filesystem::exists(path_, ec))
            throw dataset_missing("tapeless: Fashion-MNIST file not found: " + path_.string() +
                                  "\ninstall it with: apt-get install dataset-fashion-mnist"
                                  "\n(or point TAPELESS_FASHION_MNIST_DIR at a directory holding it)");
        file_ = gzopen(path_.c_str(), "rb");
        if (!file_)
            throw std::runtime_error("tapeless: cannot open " + path_.string() + ": " + std::strerror(errno));
    }
    gz_file(gz_file const&) = delete;
    gz_file& operator=(gz_file const&) = delete;
    ~gz_file() { gzclose(file_); }

    //! Exactly `n` bytes, or an exception naming the file: a short read means a truncated file.
    void read(void* out, std::size_t n) {
        auto* p = static_cast<unsigned char*>(out);
        while (n > 0) {
            // gzread takes an unsigned int length; read in chunks well below its limit.
            unsigned chunk = static_cast<unsigned>(n < (1u << 30) ? n : (1u << 30));
            int got = gzread(file_, p, chunk);
            if (got < 0) {
                int code = 0;
                throw std::runtime_error("tapeless: corrupt file " + path_.string() + ": " + gzerror(file_, &code));
            }
            if (got == 0) throw std::runtime_error("tapeless: corrupt file " + path_.string() + ": truncated");
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

    //! Trailing bytes mean the header lied about the count: treat it as corruption, not noise.
    void expect_end() {
        unsigned char extra = 0;
        int got = gzread(file_, &extra, 1);
        if (got < 0) {
            int code = 0;
            throw std::runtime_error("tapeless: corrupt file " + path_.string() + ": " + gzerror(file_, &code));
        }
        if (got > 0)
            throw std::runtime_error("tapeless: corrupt file " + path_.string() + ": data after the last item");
        // A gzip stream cut inside its trailer still yields every byte: zlib then reports the
        // end of the file as unexpected (Z_BUF_ERROR) rather than failing the read.
        int code = Z_OK;
        char const* what = gzerror(file_, &code);
        if (code != Z_OK)
            throw std::runtime_error("tapeless: corrupt file " + path_.string() + ": " + what);
    }

    //! `n` bytes, read before they are stored: memory grows with the data actually present, so a
    //! header that claims more (up to idx_max_count items) ends in "truncated", not in a huge
    //! allocation.
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

    [[nodiscard]] std::string name() const { return path_.string(); }

private:
    std::filesystem::path path_;
    gzFile file_ = nullptr;
};

inline std::string hex32(std::uint32_t v) {
    char buf[11];
    std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
    return buf;
}

[[noreturn]] inline void corrupt(gz_file const& f, std::string const& what) {
    throw std::runtime_error("tapeless: corrupt file " + f.name() + ": " + what);
}

inline std::vector<std::uint8_t> read_idx_labels(std::filesystem::path const& path) {
    gz_file f(path);
    if (std::uint32_t magic = f.read_u32_be(); magic != idx_labels_magic)
        corrupt(f, "IDX label magic " + hex32(magic) + ", expected " + hex32(idx_labels_magic));
    std::uint32_t n = f.read_u32_be();
    if (n == 0 || n > idx_max_count) corrupt(f, "implausible label count " + std::to_string(n));
    std::vector<std::uint8_t> labels = f.read_bytes(n);
    f.expect_end();
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] > 9) corrupt(f, "label " + std::to_string(labels[i]) + " at index " + std::to_string(i));
    return labels;
}

inline Tensor<float> read_idx_images(std::filesystem::path const& path) {
    gz_file f(path);
    if (std::uint32_t magic = f.read_u32_be(); magic != idx_images_magic)
        corrupt(f, "IDX image magic " + hex32(magic) + ", expected " + hex32(idx_images_magic));
    std::uint32_t n = f.read_u32_be();
    std::uint32_t rows = f.read_u32_be();
    std::uint32_t cols = f.read_u32_be();
    if (n == 0 || n > idx_max_count) corrupt(f, "implausible image count " + std::to_string(n));
    if (rows != image_side || cols != image_side)
        corrupt(f, "images are " + std::to_string(rows) + "x" + std::to_string(cols) + ", expected 28x28");
    constexpr std::size_t pixels = image_side * image_side;
    // The raw bytes first (47 MB for the training set), the tensor only once they all arrived: a
    // count of 2^24 in a short file must not allocate and zero 52 GB of floats before failing.
    std::vector<std::uint8_t> const raw = f.read_bytes(std::size_t{n} * pixels);
    f.expect_end();
    Tensor<float> images(n, pixels);
    for (std::size_t k = 0; k < raw.size(); ++k) images.data()[k] = static_cast<float>(raw[k]) * (1.0f / 255.0f);
    return images;
}

} // namespace detail

//! Loads one split, `prefix` being "train" or "t10k", from `dir`. Throws dataset_missing if a file
//! is absent, std::runtime_error if one is corrupt or the image and label counts differ.
inline fashion_mnist_split load_fashion_mnist_split(std::string const& prefix,
                                                    std::filesystem::path const& dir = fashion_mnist_dir()) {
    fashion_mnist_split s;
    // Labels first: the small file finds a missing or mismatched split before 26 MB are inflated.
    s.labels = detail::read_idx_labels(dir / (prefix + "-labels-idx1-ubyte.gz"));
    s.images = detail::read_idx_images(dir / (prefix + "-images-idx3-ubyte.gz"));
    if (s.images.rows() != s.labels.size())
        throw std::runtime_error("tapeless: Fashion-MNIST " + prefix + ": " + std::to_string(s.images.rows()) +
                                 " images but " + std::to_string(s.labels.size()) + " labels");
    s.targets = Tensor<float>(s.labels.size(), 1);
    for (std::size_t i = 0; i < s.labels.size(); ++i) s.targets(i, 0) = static_cast<float>(s.labels[i]);
    return s;
}

//! Loads both splits from `dir` (default: fashion_mnist_dir()).
inline fashion_mnist load_fashion_mnist(std::filesystem::path const& dir = fashion_mnist_dir()) {
    return {load_fashion_mnist_split("train", dir), load_fashion_mnist_split("t10k", dir)};
}

} // namespace tapeless::examples

#endif
