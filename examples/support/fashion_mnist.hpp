//! @file Defines the examples' Fashion-MNIST loader: `tapeless::data::load_mnist` on the directory
//! of the Debian package `dataset-fashion-mnist`, with a hint to install it when it is missing.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_EXAMPLES_SUPPORT_FASHION_MNIST_HPP
#define TAPELESS_EXAMPLES_SUPPORT_FASHION_MNIST_HPP

#include <tapeless/data/mnist.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace tapeless::examples {

//! Thrown when a dataset file does not exist; what() names the file and the package to install.
//! Distinct from the `data::file_error` thrown for corrupt files, so a demo can exit politely.
struct dataset_missing : data::file_missing {
    using data::file_missing::file_missing;
};

using fashion_mnist = data::mnist;
using fashion_mnist_split = data::mnist_split;

//! $TAPELESS_FASHION_MNIST_DIR if set and non-empty, else the Debian package's directory.
inline std::filesystem::path fashion_mnist_dir() {
    char const* env = std::getenv("TAPELESS_FASHION_MNIST_DIR");
    return env && *env ? std::filesystem::path(env) : std::filesystem::path("/usr/share/datasets/fashion-mnist");
}

//! Both splits from `dir` (default: fashion_mnist_dir()).
inline fashion_mnist load_fashion_mnist(std::filesystem::path const& dir = fashion_mnist_dir()) {
    try {
        return data::load_mnist(dir);
    } catch (data::file_missing const& e) {
        throw dataset_missing(std::string(e.what()) +
                              "\ninstall it with: apt-get install dataset-fashion-mnist"
                              "\n(or point TAPELESS_FASHION_MNIST_DIR at a directory holding it)");
    }
}

} // namespace tapeless::examples

#endif
