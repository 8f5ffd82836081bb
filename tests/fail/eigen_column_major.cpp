//! @file Compile-fail case: a column-major Eigen matrix (Eigen's default) as a leaf.
// SPDX-License-Identifier: BSL-1.0
// expect-error: static.assert(ion)? failed.*tapeless: input/param: Eigen storage must be row-major: declare Eigen::Matrix<T, R, C, Eigen::RowMajor>, or pass m.transpose\(\)
#include <tapeless/eigen.hpp>

namespace tl = tapeless;

int main() {
#ifdef TAPELESS_SHOULD_FAIL
    Eigen::MatrixXf m(3, 2);
#else
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> m(3, 2);
#endif
    auto x = tl::input<"x">(m);
    return x.rows == 3 ? 0 : 1;
}
