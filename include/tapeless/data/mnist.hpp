//! @file Defines `tapeless::data::load_mnist`: MNIST and Fashion-MNIST (four IDX files, images
//! and labels of a training and a test split) as tensors. Needs zlib, like `data/idx.hpp`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_DATA_MNIST_HPP
#define TAPELESS_DATA_MNIST_HPP

#include "idx.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace tapeless::data {

//! One split: `images` is n x 784 (28 x 28 pixels row by row, scaled to [0, 1]); `labels` holds
//! the class 0..9 of each row; `targets` is the same labels as an n x 1 float tensor (class
//! labels for `cross_entropy`, or a regression target).
struct mnist_split {
    Tensor<float> images;
    std::vector<std::uint8_t> labels;
    Tensor<float> targets;

    [[nodiscard]] std::size_t size() const { return labels.size(); }
};

//! The training split (60,000 images in MNIST and Fashion-MNIST) and the test split (10,000).
struct mnist {
    mnist_split train;
    mnist_split test;
};

//! An MNIST label file (magic 0x00000801): one class 0..9 per item, else `file_error`.
inline std::vector<std::uint8_t> read_mnist_labels(std::filesystem::path const& path) {
    detail::idx_raw r = detail::read_idx_raw(path, 0x00000801);
    for (std::size_t i = 0; i < r.bytes.size(); ++i)
        if (r.bytes[i] > 9)
            throw file_error("tapeless: corrupt file " + path.string() + ": label " + std::to_string(r.bytes[i]) +
                             " at index " + std::to_string(i));
    return std::move(r.bytes);
}

//! An MNIST image file (magic 0x00000803, 28 x 28 bytes per image) as n x 784 floats in [0, 1].
inline Tensor<float> read_mnist_images(std::filesystem::path const& path) {
    detail::idx_raw const r =
        detail::read_idx_raw(path, 0x00000803, [](detail::gz_file const& f, std::vector<std::size_t> const& d) {
            if (d[1] != 28 || d[2] != 28)
                f.corrupt("images are " + std::to_string(d[1]) + "x" + std::to_string(d[2]) + ", expected 28x28");
        });
    // The raw bytes arrived first (47 MB for a training set), the floats only now.
    return detail::idx_to_tensor<float>(r, 1.0f / 255.0f).values;
}

//! One split from `dir`: `<prefix>-images-idx3-ubyte.gz` and `<prefix>-labels-idx1-ubyte.gz`,
//! `prefix` being "train" or "t10k". Throws `file_missing`, `file_error`, or `file_error` when the
//! image and label counts differ.
inline mnist_split load_mnist_split(std::filesystem::path const& dir, std::string const& prefix) {
    mnist_split s;
    // Labels first: the small file finds a missing or mismatched split before 26 MB are inflated.
    s.labels = read_mnist_labels(dir / (prefix + "-labels-idx1-ubyte.gz"));
    s.images = read_mnist_images(dir / (prefix + "-images-idx3-ubyte.gz"));
    if (s.images.rows() != s.labels.size())
        throw file_error("tapeless: MNIST split " + (dir / prefix).string() + ": " + std::to_string(s.images.rows()) +
                         " images but " + std::to_string(s.labels.size()) + " labels");
    s.targets = Tensor<float>(s.labels.size(), 1);
    for (std::size_t i = 0; i < s.labels.size(); ++i) s.targets(i, 0) = static_cast<float>(s.labels[i]);
    return s;
}

//! Both splits ("train" and "t10k") from `dir`, as MNIST and Fashion-MNIST are distributed.
inline mnist load_mnist(std::filesystem::path const& dir) {
    return {load_mnist_split(dir, "train"), load_mnist_split(dir, "t10k")};
}

} // namespace tapeless::data

#endif
