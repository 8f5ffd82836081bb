//! @file A consumer that vendors tapeless with add_subdirectory: includes it, prints its version.
// SPDX-License-Identifier: BSL-1.0
#include <tapeless/tapeless.hpp>
#include <tapeless/version.hpp>

#include <cstdio>

int main() {
    std::printf("tapeless %d.%d.%d\n", TAPELESS_VERSION_MAJOR, TAPELESS_VERSION_MINOR,
                TAPELESS_VERSION_PATCH);
}
