#!/usr/bin/env bash
# The demo in one command, on a fresh Debian 12 (as root, or with sudo): installs the packages
# (including dataset-fashion-mnist), builds examples/seed_mlp.cpp and trains it on Fashion-MNIST.
# Extra arguments are passed to the example. TAPELESS_SKIP_APT=1 skips the apt step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

start=$SECONDS
step() { printf '\n==> [%4ds] %s\n' "$((SECONDS - start))" "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

if [[ "${TAPELESS_SKIP_APT:-0}" != 1 ]]; then
    sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null || { echo "demo.sh: run as root or install sudo" >&2; exit 1; }
        sudo=(sudo)
    fi
    step "installing packages"
    run "${sudo[@]}" apt-get update
    run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        cmake ninja-build g++ libboost-dev libboost-test-dev libopenblas-dev zlib1g-dev \
        dataset-fashion-mnist
fi

step "configure build-demo/ (Release, examples only)"
run cmake -S . -B build-demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DTAPELESS_BUILD_TESTS=OFF \
    -DTAPELESS_BUILD_EXAMPLES=ON
step "build tapeless.example.seed_mlp"
run cmake --build build-demo -j "${TAPELESS_JOBS:-$(nproc)}" --target tapeless.example.seed_mlp

export TAPELESS_FASHION_MNIST_DIR="${TAPELESS_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
step "run seed_mlp on $TAPELESS_FASHION_MNIST_DIR"
run build-demo/examples/tapeless.example.seed_mlp "$@"
step "done in $((SECONDS - start)) s"
