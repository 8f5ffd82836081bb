#!/usr/bin/env bash
# The benchmark suite in one command, on Debian 12 (as root, or with sudo), writing
# benchmarks/RESULTS.md, benchmarks/results_time_per_step.svg, benchmarks/results_thread_scaling.svg
# and the compile-cost plots benchmarks/results_compile_cost.svg (seconds) and
# benchmarks/results_compile_memory.svg (peak MiB):
#   1. install the packages (apt): google-benchmark, OpenBLAS, g++/clang, and libtorch-dev when
#      available (its failure is ignored: the libtorch rows are then left out)
#   2. build-bench/        Release, -march=native, tapeless's portable GEMM: every runtime benchmark
#                          (mlp, classic, gemm, fusion, and libtorch when find_package(Torch) succeeds)
#      build-bench-cblas/  the same with tapeless routed to CBLAS (OpenBLAS): the seed rows again
#   3. run every benchmark row in its own process (so peak RSS is the row's), --benchmark_repetitions,
#      aggregates only, JSON. Every row's environment says one thread (OPENBLAS_NUM_THREADS=1,
#      OMP_NUM_THREADS=1, TAPELESS_NUM_THREADS=1) unless the row or its run says otherwise: the
#      /T:2 rows of tapeless (mlp, fusion) and libtorch run on 2 threads of their own pools, and the
#      hand-written rows of the CBLAS build run once more with OPENBLAS_NUM_THREADS=2 (run
#      mlp-cblas-t2: the 2-thread baseline). GEMM and libtorch run twice: with OpenBLAS as the
#      environment configures it, and without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (its own choice of
#      kernels for this CPU)
#   4. compile cost: /usr/bin/time -v of g++ and clang++ -O2 on benchmarks/compile/seed_step.cpp,
#      examples/fashion_mnist_classifier.cpp (a whole training program) and
#      benchmarks/compile/repeat_residual.cpp once each, and for each depth on
#      benchmarks/compile/mlp_depth.cpp (L layers), residual.cpp and prenorm.cpp (B blocks), each
#      under an address-space cap and a timeout; per TU and compiler, the sizes run in increasing
#      order and stop at the first timeout
#   5. benchmarks/report.py: the tables, ratios, targets and the plots. A skipped step 3 or 4 keeps
#      its sections of the existing benchmarks/RESULTS.md (report.py --keep-runtime / --keep-compile)
# Environment:
#   TAPELESS_BENCH_DEPTHS       depths L of mlp_depth.cpp (default "8 16 32 64 128")
#   TAPELESS_BENCH_BLOCKS_RESIDUAL   block counts B of residual.cpp (default "1 8 16 32 64 128"; B = 1
#                                    is what the repeat TU is compared with)
#   TAPELESS_BENCH_BLOCKS_PRENORM    block counts B of prenorm.cpp (default "8 16 32 64 128")
#                               (each list in increasing order; an empty list skips that TU)
#   TAPELESS_BENCH_COMPILE_MEM_KIB   address-space cap of each compile (default 8 GiB): a compile
#                                    past it fails and is recorded as an error, not left to take
#                                    the machine's memory
#   TAPELESS_BENCH_TIMEOUT      seconds per compile before it is recorded as "timeout" (default 600)
#   TAPELESS_BENCH_REPETITIONS  --benchmark_repetitions (default 5)
#   TAPELESS_BENCH_MIN_TIME     --benchmark_min_time per repetition, seconds (default 0.5)
#   TAPELESS_BENCH_CPU          pin every run to these cores with taskset (default: no pinning); give
#                               two (e.g. "0,1") or the 2-thread rows share one core
#   TAPELESS_BENCH_FILTER       only rows whose name matches this regex (default: all)
#   TAPELESS_BENCH_BUILD        the portable build directory (default build-bench)
#   TAPELESS_BENCH_BUILD_CBLAS  the CBLAS build directory (default build-bench-cblas)
#   TAPELESS_BENCH_OUT          raw results directory (default <TAPELESS_BENCH_BUILD>/results)
#   TAPELESS_BENCH_SKIP_LIBTORCH=1  no libtorch: not installed, not built, its rows not run
#   TAPELESS_JOBS               build parallelism (default nproc); TAPELESS_SKIP_APT=1 skips step 1
#   TAPELESS_SKIP_BUILD=1, TAPELESS_SKIP_RUN=1, TAPELESS_SKIP_COMPILE=1 skip steps 2, 3, 4
# The compile step alone (the runtime sections of benchmarks/RESULTS.md are kept as they are; the
# compile sections, targets and setup are rewritten):
#   TAPELESS_SKIP_APT=1 TAPELESS_SKIP_BUILD=1 TAPELESS_SKIP_RUN=1 bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs="${TAPELESS_JOBS:-$(nproc)}"
depths="${TAPELESS_BENCH_DEPTHS-8 16 32 64 128}"
blocks_residual="${TAPELESS_BENCH_BLOCKS_RESIDUAL-1 8 16 32 64 128}"
blocks_prenorm="${TAPELESS_BENCH_BLOCKS_PRENORM-8 16 32 64 128}"
compile_mem_kib="${TAPELESS_BENCH_COMPILE_MEM_KIB:-8388608}"
timeout_s="${TAPELESS_BENCH_TIMEOUT:-600}"
reps="${TAPELESS_BENCH_REPETITIONS:-5}"
min_time="${TAPELESS_BENCH_MIN_TIME:-0.5}"
filter="${TAPELESS_BENCH_FILTER:-.}"
build="${TAPELESS_BENCH_BUILD:-build-bench}"
build_cblas="${TAPELESS_BENCH_BUILD_CBLAS:-build-bench-cblas}"
out="${TAPELESS_BENCH_OUT:-$build/results}"
skip_libtorch="${TAPELESS_BENCH_SKIP_LIBTORCH:-0}"
only="" # run_rows: only rows whose name contains this
command_line="bash scripts/bench.sh $*"
for v in TAPELESS_BENCH_DEPTHS TAPELESS_BENCH_BLOCKS_RESIDUAL TAPELESS_BENCH_BLOCKS_PRENORM \
         TAPELESS_BENCH_TIMEOUT TAPELESS_BENCH_REPETITIONS TAPELESS_BENCH_MIN_TIME TAPELESS_BENCH_CPU \
         TAPELESS_BENCH_FILTER TAPELESS_BENCH_BUILD TAPELESS_BENCH_BUILD_CBLAS TAPELESS_BENCH_OUT \
         TAPELESS_BENCH_SKIP_LIBTORCH TAPELESS_SKIP_APT TAPELESS_SKIP_BUILD TAPELESS_SKIP_RUN TAPELESS_SKIP_COMPILE; do
    [[ -n "${!v+set}" ]] && command_line="$v=\"${!v}\" $command_line"
done
start=$SECONDS
step() { printf '\n==> [%4ds] %s\n' "$((SECONDS - start))" "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

if [[ "${TAPELESS_SKIP_APT:-0}" != 1 ]]; then
    sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null || { echo "bench.sh: run as root or install sudo" >&2; exit 1; }
        sudo=(sudo)
    fi
    step "installing packages"
    run "${sudo[@]}" apt-get update
    run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        cmake ninja-build g++ clang libboost-dev libopenblas-dev libbenchmark-dev time python3 python3-matplotlib util-linux coreutils
    # Optional: PyTorch's C++ library for the libtorch rows (large; its absence only drops those rows).
    if [[ "$skip_libtorch" != 1 ]]; then
        run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libtorch-dev ||
            echo "bench.sh: libtorch-dev not installed, the libtorch rows are left out"
    fi
fi

if [[ "${TAPELESS_SKIP_BUILD:-0}" != 1 ]]; then
    step "configure and build $build/ (g++, Release, portable GEMM backend)"
    libtorch_opt=()
    [[ "$skip_libtorch" == 1 ]] && libtorch_opt=(-DTAPELESS_BENCH_LIBTORCH=OFF)
    run cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
        -DTAPELESS_GEMM_BACKEND=portable -DTAPELESS_BUILD_BENCHMARKS=ON -DTAPELESS_BUILD_TESTS=OFF \
        -DTAPELESS_BUILD_EXAMPLES=OFF "${libtorch_opt[@]}"
    run cmake --build "$build" -j "$jobs" --target tapeless.benchmarks
    step "configure and build $build_cblas/ (g++, Release, CBLAS GEMM backend): the seed rows"
    run cmake -S . -B "$build_cblas" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
        -DTAPELESS_WITH_BLAS=ON -DTAPELESS_GEMM_BACKEND=cblas -DTAPELESS_BUILD_BENCHMARKS=ON \
        -DTAPELESS_BENCH_LIBTORCH=OFF -DTAPELESS_BUILD_TESTS=OFF -DTAPELESS_BUILD_EXAMPLES=OFF
    run cmake --build "$build_cblas" -j "$jobs" --target tapeless.bench.mlp
fi

mkdir -p "$out"
cat /proc/loadavg > "$out/loadavg_start.txt"
# The benchmarks' exact compile commands, for the report.
for d in "$build" "$build_cblas"; do
    [[ -f "$d/build.ninja" ]] && ninja -C "$d" -t commands tapeless.bench.mlp 2>/dev/null | grep -m1 'runtime/mlp.cpp' |
        sed "s|^|$d: |"
done > "$out/build_flags.txt" || true

# run_rows <label> <binary> [env args...]: each row of <binary> in its own process, one thread by
# default; the env args (NAME=VALUE, -u NAME) come after the defaults, so they override them.
run_rows() {
    local label="$1" bin="$2"
    shift 2
    [[ -x "$bin" ]] || { echo "bench.sh: $bin not built, skipping $label"; return 0; }
    mkdir -p "$out/runtime/$label"
    local pin=()
    [[ -n "${TAPELESS_BENCH_CPU:-}" ]] && pin=(taskset -c "$TAPELESS_BENCH_CPU")
    local names
    names=$("$bin" --benchmark_list_tests=true --benchmark_filter="$filter")
    while IFS= read -r name; do
        [[ -n "$name" && "$name" == *"$only"* ]] || continue
        local file="$out/runtime/$label/$(printf '%s' "$name" | tr -c 'A-Za-z0-9_.-' '_')"
        local regex
        regex="^$(printf '%s' "$name" | sed 's/[][\.*^$+?(){}|]/\\&/g')\$"
        printf '  %-14s %s\n' "$label" "$name"
        env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 TAPELESS_NUM_THREADS=1 env "$@" /usr/bin/time -v -o "$file.time" \
            "${pin[@]}" "$bin" --benchmark_filter="$regex" --benchmark_repetitions="$reps" \
            --benchmark_min_time="$min_time" --benchmark_report_aggregates_only=true \
            --benchmark_out="$file.json" --benchmark_out_format=json --benchmark_format=console \
            > "$file.log" 2>&1 || echo "bench.sh: $name failed (see $file.log)"
    done <<< "$names"
}

if [[ "${TAPELESS_SKIP_RUN:-0}" != 1 ]]; then
    rm -rf "$out/runtime"
    auto=(-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
    step "runtime benchmarks, one process per row (repetitions $reps, min time $min_time s)"
    run_rows mlp "$build/benchmarks/tapeless.bench.mlp"
    run_rows mlp-cblas "$build_cblas/benchmarks/tapeless.bench.mlp" "${auto[@]}"
    # The 2-thread baseline: hand-written backprop with OpenBLAS on 2 threads.
    only=BM_seed_handwritten/ run_rows mlp-cblas-t2 "$build_cblas/benchmarks/tapeless.bench.mlp" "${auto[@]}" \
        OPENBLAS_NUM_THREADS=2
    run_rows fusion "$build/benchmarks/tapeless.bench.fusion"
    run_rows classic "$build/benchmarks/tapeless.bench.classic"
    run_rows gemm "$build/benchmarks/tapeless.bench.gemm"
    # OpenBLAS choosing its own kernels: only the rows OpenBLAS computes.
    only=/cblas/ run_rows gemm-auto "$build/benchmarks/tapeless.bench.gemm" "${auto[@]}"
    if [[ "$skip_libtorch" != 1 ]]; then
        run_rows libtorch "$build/benchmarks/tapeless.bench.libtorch"
        run_rows libtorch-auto "$build/benchmarks/tapeless.bench.libtorch" "${auto[@]}"
    fi
fi

# compile_one <what> <compiler> <L, B or -> <source> [defines...]: one line of compile.tsv.
compile_one() {
    local what="$1" cxx="$2" depth="$3" src="$4"
    shift 4
    local log="$out/compile/${what}_${cxx}_${depth}.time"
    printf '  %-10s %-8s L=%-3s ' "$what" "$cxx" "$depth"
    local status=ok
    # The compiler's messages: the first MiB and the last 64 KiB (a failing instantiation can print
    # gigabytes); the rest is read and dropped, so the compiler never writes to a closed pipe. A group,
    # so that the shell itself starts the writer and can wait for it.
    { (ulimit -v "$compile_mem_kib"; exec /usr/bin/time -v -o "$log" timeout "$timeout_s" "$cxx" -std=c++20 -O2 -I include "$@" -c "$src" -o /dev/null); } \
        2> >({ head -c 1048576; tail -c 65536 | sed '1s/^/\n[bench.sh: messages cut here]\n/'; } \
               > "$out/compile/${what}_${cxx}_${depth}.err") || status=$?
    wait "${!:-}" 2> /dev/null || true # the writer
    if [[ "$status" == 124 ]]; then status=timeout; elif [[ "$status" != ok ]]; then status="error($status)"; fi
    local secs kb
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + t[i]; print s}' "$log")
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    printf '%s s, %s KiB, %s\n' "$secs" "$kb" "$status"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$what" "$cxx" "$depth" "$secs" "$kb" "$status" >> "$out/compile.tsv"
}

# compile_sweep <what> <source> <macro> <sizes>: compile_one for each size (the L column), g++ and
# clang++. Sizes in increasing order: once a compiler times out at some size, larger sizes are not
# tried with it (an error does not stop the sweep).
compile_sweep() {
    local what="$1" src="$2" macro="$3" sizes="$4"
    local -A gave_up=()
    local size cxx
    for size in $sizes; do
        for cxx in g++ clang++; do
            if [[ -n "${gave_up[$cxx]:-}" ]]; then
                printf '  %-10s %-8s L=%-3s skipped (timeout at L=%s)\n' "$what" "$cxx" "$size" "${gave_up[$cxx]}"
                printf '%s\t%s\t%s\t\t\tskipped (timeout at L=%s)\n' "$what" "$cxx" "$size" "${gave_up[$cxx]}" >> "$out/compile.tsv"
                continue
            fi
            compile_one "$what" "$cxx" "$size" "$src" -D"$macro=$size"
            [[ "$(tail -n1 "$out/compile.tsv" | cut -f6)" == timeout ]] && gave_up[$cxx]=$size
        done
    done
    return 0
}

if [[ "${TAPELESS_SKIP_COMPILE:-0}" != 1 ]]; then
    step "compile cost (-O2, timeout $timeout_s s per compile; mlp_depth L: ${depths:-none}; residual B: ${blocks_residual:-none}; prenorm B: ${blocks_prenorm:-none})"
    rm -rf "$out/compile" "$out/compile.tsv"
    mkdir -p "$out/compile"
    printf 'what\tcompiler\tL\tseconds\tmax_rss_kib\tstatus\n' > "$out/compile.tsv"
    for cxx in g++ clang++; do
        compile_one seed_step "$cxx" - benchmarks/compile/seed_step.cpp
        compile_one training "$cxx" - examples/fashion_mnist_classifier.cpp -I examples
        compile_one repeat_residual "$cxx" - benchmarks/compile/repeat_residual.cpp
    done
    compile_sweep mlp_depth benchmarks/compile/mlp_depth.cpp TAPELESS_DEPTH "$depths"
    compile_sweep residual benchmarks/compile/residual.cpp TAPELESS_BLOCKS "$blocks_residual"
    compile_sweep prenorm benchmarks/compile/prenorm.cpp TAPELESS_BLOCKS "$blocks_prenorm"
fi

cat /proc/loadavg > "$out/loadavg_end.txt"
step "report"
keep=()
[[ "${TAPELESS_SKIP_RUN:-0}" == 1 ]] && keep+=(--keep-runtime)
[[ "${TAPELESS_SKIP_COMPILE:-0}" == 1 ]] && keep+=(--keep-compile)
# Debian's python3, whose matplotlib apt installed (a python3 first on PATH may lack it).
py=/usr/bin/python3
[[ -x "$py" ]] || py=python3
run "$py" benchmarks/report.py --results "$out" --command "$command_line" \
    --markdown benchmarks/RESULTS.md --svg benchmarks/results_time_per_step.svg "${keep[@]}"
echo "bench.sh: done in $((SECONDS - start)) s"
