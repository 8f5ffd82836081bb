//! @file Defines `reference_tensor`: a tensor holding a PyTorch reference's numbers (row-major).
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_TEST_SUPPORT_TORCH_TENSOR_HPP
#define TAPELESS_TEST_SUPPORT_TORCH_TENSOR_HPP

#include <tapeless/tensor/tensor.hpp>

#include <cstddef>
#include <vector>

namespace tapeless::test {

//! rows x cols from `v`, row-major, as the reference headers store them.
inline Tensor<double> reference_tensor(std::size_t rows, std::size_t cols, std::vector<double> const& v) {
    Tensor<double> t(rows, cols);
    for (std::size_t i = 0; i < v.size() && i < t.size(); ++i) t.data()[i] = v[i];
    return t;
}

} // namespace tapeless::test

#endif
