#!/usr/bin/env bash
# The whole test suite in one command, on a fresh Debian 12 (as root, or with sudo):
#   1. install the build dependencies (apt)
#   2. build/        g++, portable GEMM backend: unit, headers, fail, package, example, bench and
#                    docs tests, then the API reference (tapeless.docs)
#   3. build-cblas/  g++, CBLAS backend: the GEMM-heavy folders again (tests/eval, tests/models)
#   4. build-tsan/   g++ -fsanitize=thread: the thread pool, executors and concurrent steps
#                    (tests/eval/threads/threads.cpp, tests/eval/threads/concurrent.cpp)
#   5. build-clang/  clang++ -fsanitize=address,undefined (-O0): the header self-containment test,
#                    every unit test but the soak, the random-graph checks and the compile-fail cases
# Environment: TAPELESS_WERROR=ON|OFF (default OFF; .ci/run sets ON), TAPELESS_JOBS (default: nproc),
#              TAPELESS_SKIP_APT=1 to skip step 1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs="${TAPELESS_JOBS:-$(nproc)}"
werror="${TAPELESS_WERROR:-OFF}"
start=$SECONDS
step() { printf '\n==> [%4ds] %s\n' "$((SECONDS - start))" "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

if [[ "${TAPELESS_SKIP_APT:-0}" != 1 ]]; then
    sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null || { echo "test.sh: run as root or install sudo" >&2; exit 1; }
        sudo=(sudo)
    fi
    step "installing build dependencies"
    run "${sudo[@]}" apt-get update
    run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        cmake ninja-build g++ clang libboost-dev libboost-test-dev libopenblas-dev libbenchmark-dev \
        zlib1g-dev doxygen graphviz libeigen3-dev libzip-dev python3-numpy librandom123-dev
fi

# Folders whose tests go through GEMM, rerun with the other backend and compiler.
gemm_folders=()
for f in eval models; do [[ -d "tests/$f" ]] && gemm_folders+=("$f"); done
gemm_regex="^tapeless\\.test\\.($(IFS='|'; echo "${gemm_folders[*]}"))(\\.|\$)"
gemm_targets=("${gemm_folders[@]/#/tapeless.tests.}")

step "configure build/ (g++, Release, portable GEMM backend, WERROR=$werror)"
run cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
    -DTAPELESS_GEMM_BACKEND=portable -DTAPELESS_BUILD_BENCHMARKS=ON -DTAPELESS_WERROR="$werror"
step "build build/ (-j$jobs)"
build_start=$SECONDS
run cmake --build build -j "$jobs"
echo "build/ took $((SECONDS - build_start)) s"
step "test build/"
run ctest --test-dir build --output-on-failure -j "$jobs"
step "API reference: Doxygen over include/tapeless/, any warning fails"
run cmake --build build --target tapeless.docs

if (( ${#gemm_folders[@]} )); then
    step "configure build-cblas/ (g++, CBLAS GEMM backend)"
    run cmake -S . -B build-cblas -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
        -DTAPELESS_WITH_BLAS=ON -DTAPELESS_GEMM_BACKEND=cblas -DTAPELESS_BUILD_EXAMPLES=OFF \
        -DTAPELESS_WERROR="$werror"
    step "build and test ${gemm_targets[*]} with CBLAS"
    run cmake --build build-cblas -j "$jobs" --target "${gemm_targets[@]}"
    run ctest --test-dir build-cblas --output-on-failure -j "$jobs" --no-tests=error -R "$gemm_regex"
fi

# The pool and executors under ThreadSanitizer. Only the threading suites (their own executable, so
# this stage compiles nothing else): OpenBLAS's own threads are not instrumented, so the CBLAS
# comparisons elsewhere in tests/eval report its internals.
step "configure build-tsan/ (g++ -fsanitize=thread)"
run cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=g++ \
    -DCMAKE_CXX_FLAGS="-fsanitize=thread -O1" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
    -DTAPELESS_GEMM_BACKEND=portable -DTAPELESS_BUILD_EXAMPLES=OFF -DTAPELESS_WERROR="$werror"
step "build and run tapeless.test.eval.threads under ThreadSanitizer"
run cmake --build build-tsan -j "$jobs" --target tapeless.test.eval.threads
run env TSAN_OPTIONS="halt_on_error=1" OPENBLAS_NUM_THREADS=1 build-tsan/tests/tapeless.test.eval.threads

# clang++, once, with AddressSanitizer and UndefinedBehaviorSanitizer: the header check, every unit
# test, the generated random-graph gradient checks and the compile-fail cases, stopping at the first
# report (the soak's 100,000 steps run in build/). So both compilers build the whole library and
# report each misuse with the message tests/fail expects. One clang build, not two: a second,
# unsanitised clang build of every test cost 27 minutes of the suite's 78 and found nothing this one
# does not (g++ covers optimised code in build/ and build-cblas/).
# -O0: with the sanitizers, -O1 costs 8x the compile time (tests/models/seed.cpp: 72 s against 9 s).
# -g0: line tables cost 17 % of this build (a random-graph file: 42 s against 35 s); UBSan reports
# keep their file and line, ASan's stack traces name functions (rebuild with -g1 for lines).
step "configure build-clang/ (clang++ -fsanitize=address,undefined)"
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
run cmake -S . -B build-clang -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_FLAGS="$sanitize" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g0" \
    -DCMAKE_EXE_LINKER_FLAGS="$sanitize" -DTAPELESS_RANDOM_TESTS=ON \
    -DTAPELESS_GEMM_BACKEND=portable -DTAPELESS_BUILD_EXAMPLES=OFF -DTAPELESS_WERROR="$werror"
clang_targets=(tapeless.test.headers tapeless.tests)
step "build ${clang_targets[*]} with clang++ under ASan + UBSan"
clang_start=$SECONDS
run cmake --build build-clang -j "$jobs" --target "${clang_targets[@]}"
echo "build-clang/ build took $((SECONDS - clang_start)) s"
step "run every unit test, the random-graph checks and the compile-fail cases (clang++, ASan + UBSan)"
run env ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    ctest --test-dir build-clang --output-on-failure -j "$jobs" --no-tests=error \
    -R '^tapeless\.(test|fail)\.' -LE soak
echo "build-clang/ took $((SECONDS - clang_start)) s"

step "all tests passed in $((SECONDS - start)) s"
