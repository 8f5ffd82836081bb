//! @file A consumer of the installed package: includes tapeless and prints its version.
// SPDX-License-Identifier: BSL-1.0
#include <tapeless/tapeless.hpp>
#include <tapeless/version.hpp>

#include <cstdio>

#ifdef TAPELESS_GEMM_BACKEND_CBLAS
#include <cblas.h>
#endif

int main() {
    std::printf("tapeless %d.%d.%d\n", TAPELESS_VERSION_MAJOR, TAPELESS_VERSION_MINOR,
                TAPELESS_VERSION_PATCH);
#ifdef TAPELESS_GEMM_BACKEND_CBLAS
    // tapeless::blas must hand the consumer both cblas.h and the library.
    float const x[] = {1.0f, 2.0f};
    float const y[] = {3.0f, 4.0f};
    float const dot = cblas_sdot(2, x, 1, y, 1);
    std::printf("cblas: sdot = %g\n", static_cast<double>(dot));
    return dot == 11.0f ? 0 : 1;
#else
    return 0;
#endif
}
