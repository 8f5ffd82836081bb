#!/usr/bin/env bash
# The demo in one command, on a fresh Debian 12 (as root, or with sudo): installs the packages
# (including dataset-fashion-mnist and graphviz), builds examples/seed_mlp.cpp, which prints the
# gradients tapeless derived for the seed network beside the hand derivation, writes them as LaTeX
# and the graph and plan as Graphviz files, and trains the network on Fashion-MNIST; the pictures are
# rendered to SVG and PNG; then the 784-128-10 classifier (examples/fashion_mnist_classifier.cpp)
# trains and reports its test accuracy, and its training curve is drawn with matplotlib
# (examples/plot_training.py). Files go to build-demo/demo/.
# Extra arguments are passed to seed_mlp. TAPELESS_SKIP_APT=1 skips the apt step.
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
        libzip-dev dataset-fashion-mnist graphviz python3-matplotlib
fi

step "configure build-demo/ (Release, examples only)"
run cmake -S . -B build-demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DTAPELESS_BUILD_TESTS=OFF \
    -DTAPELESS_BUILD_EXAMPLES=ON
step "build tapeless.example.seed_mlp and tapeless.example.fashion_mnist_classifier"
run cmake --build build-demo -j "${TAPELESS_JOBS:-$(nproc)}" \
    --target tapeless.example.seed_mlp tapeless.example.fashion_mnist_classifier

out=build-demo/demo
mkdir -p "$out"
export TAPELESS_FASHION_MNIST_DIR="${TAPELESS_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
step "run seed_mlp on $TAPELESS_FASHION_MNIST_DIR"
run build-demo/examples/tapeless.example.seed_mlp --out "$out" "$@"

if command -v dot >/dev/null; then
    step "render the graph and the plan with Graphviz"
    for f in "$out"/*.dot; do
        run dot -Tsvg "$f" -o "${f%.dot}.svg"
        run dot -Tpng "$f" -o "${f%.dot}.png"
    done
else
    echo "graphviz is not installed: the .dot files in $out are written; render them with" \
         "'dot -Tsvg file.dot -o file.svg' after 'apt-get install graphviz'"
fi

step "train the 784-128-10 classifier with softmax cross-entropy and Adam"
run build-demo/examples/tapeless.example.fashion_mnist_classifier --csv "$out/classifier.csv" \
    --save "$out/classifier.npz"
# The system's python3: python3-matplotlib installs there, whatever python3 comes first on PATH.
py=python3
[[ -x /usr/bin/python3 ]] && py=/usr/bin/python3
if "$py" -c "import matplotlib" 2>/dev/null; then
    step "plot the training curve with matplotlib"
    run "$py" examples/plot_training.py "$out/classifier.csv"
else
    echo "matplotlib is not installed: plot $out/classifier.csv with" \
         "'python3 examples/plot_training.py $out/classifier.csv' after 'apt-get install python3-matplotlib'"
fi
step "done in $((SECONDS - start)) s"
