#!/usr/bin/env python3
"""Writes benchmarks/RESULTS.md and the time-per-step plot from the raw results of scripts/bench.sh.

  python3 benchmarks/report.py --results build-bench/results --command "bash scripts/bench.sh" \\
      --markdown benchmarks/RESULTS.md --svg benchmarks/results_time_per_step.svg

Reads <results>/runtime/<label>/<row>.json (google-benchmark JSON, repetitions as aggregates),
<row>.time (/usr/bin/time -v of that row's process), <results>/compile.tsv and a few files bench.sh
leaves there; asks the system (lscpu, dpkg-query, compilers) for the machine and versions. Python 3
standard library only; the plots are SVG written here, so no plotting package is needed.
Without runtime results (bench.sh with TAPELESS_SKIP_RUN=1) only the compile section is written.
"""
# SPDX-License-Identifier: BSL-1.0
import argparse
import glob
import json
import math
import os
import re
import subprocess
from datetime import datetime, timezone
from xml.sax.saxutils import escape

SEED_SIZES = [(8, 4, 3, 1), (64, 784, 50, 1), (1000, 784, 50, 1), (10000, 784, 50, 1), (256, 784, 256, 10)]

# (run label, benchmark family) -> (short key, description). Order = table order.
IMPLS = [
    (("mlp", "BM_seed_tapeless"), "tapeless", "tapeless `compile`, runtime extents"),
    (("mlp", "BM_seed_tapeless_static"), "tapeless-static", "tapeless `compile`, static extents"),
    (("mlp", "BM_seed_handwritten"), "handwritten", "hand-written backprop (same kernels)"),
    (("mlp", "BM_seed_tape"), "tape", "`tapeless::tape`"),
    (("libtorch", "BM_seed_libtorch"), "libtorch", "libtorch autograd, OpenBLAS as configured"),
    (("libtorch-auto", "BM_seed_libtorch"), "libtorch-auto", "libtorch autograd, OpenBLAS own kernel choice"),
    (("mlp-cblas", "BM_seed_tapeless"), "tapeless-cblas", "tapeless `compile`, runtime extents, OpenBLAS own kernel choice"),
    (("mlp-cblas", "BM_seed_tapeless_static"), "tapeless-static-cblas", "tapeless `compile`, static extents, OpenBLAS own kernel choice"),
    (("mlp-cblas", "BM_seed_handwritten"), "handwritten-cblas", "hand-written backprop, OpenBLAS own kernel choice"),
    (("mlp-cblas", "BM_seed_tape"), "tape-cblas", "`tapeless::tape`, OpenBLAS own kernel choice"),
]
IMPL_BY_KEY = {k: (src, d) for src, k, d in IMPLS}


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def parse_name(name):
    """'BM_x/a/N:8/m:3' -> ('BM_x', ['a'], {'N': 8, 'm': 3})."""
    parts = name.split("/")
    words, args = [], {}
    for p in parts[1:]:
        if ":" in p:
            k, v = p.split(":", 1)
            args[k] = int(v) if v.isdigit() else v
        else:
            words.append(p)
    return parts[0], words, args


def peak_rss_from_time(path):
    try:
        with open(path) as f:
            for line in f:
                if "Maximum resident set size" in line:
                    return int(line.split(":")[1]) / 1024.0
    except OSError:
        pass
    return None


def load_rows(results):
    rows, contexts = [], {}
    for path in sorted(glob.glob(os.path.join(results, "runtime", "*", "*.json"))):
        label = os.path.basename(os.path.dirname(path))
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        contexts.setdefault(label, data.get("context", {}))
        aggs = {}
        for b in data.get("benchmarks", []):
            if b.get("run_type") == "aggregate":
                aggs.setdefault(b["run_name"], {})[b["aggregate_name"]] = b
        for name, a in aggs.items():
            med = a.get("median")
            if med is None:
                continue
            scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[med.get("time_unit", "ns")]
            mean, std = a.get("mean"), a.get("stddev")
            cv = (std["cpu_time"] / mean["cpu_time"]) if mean and std and mean["cpu_time"] else None
            family, words, args = parse_name(name)
            rss = peak_rss_from_time(path[:-5] + ".time")
            rows.append({
                "label": label, "name": name, "family": family, "words": words, "args": args,
                "cpu_us": med["cpu_time"] * scale, "real_us": med["real_time"] * scale, "cv": cv,
                "gflops": med.get("GFLOP/s", 0.0) / 1e9 if "GFLOP/s" in med else None,
                "allocs": med.get("allocs/step"),
                "rss": rss if rss is not None else med.get("peak_RSS_MiB"),
                "reps": int(med.get("repetitions", 0) or 0),
            })
    return rows, contexts


def fmt(x, digits=3):
    if x is None:
        return "–"
    if isinstance(x, str):
        return x
    if x == 0:
        return "0"
    if float(x).is_integer() and abs(x) < 1000:
        return str(int(x))
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{max(0, digits - 1 - int(math.floor(math.log10(a))))}f}"


def fmt_allocs(x):
    if x is None:
        return "–"
    if x == 0:
        return "0"
    return f"{x:.3g}" if x < 10 else f"{x:.0f}"


def loglog_slope(pts):
    """Least-squares slope of log y against log x over [(x, y), ...] (x, y > 0); None below 2 distinct x."""
    pts = [(math.log(x), math.log(y)) for x, y in pts if x > 0 and y > 0]
    if len({x for x, _ in pts}) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)


def table(head, body, align=None):
    align = align or ["l"] + ["r"] * (len(head) - 1)
    sep = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join(sep) + " |"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in body]
    return "\n".join(out)


# ---- SVG ------------------------------------------------------------------------------------------------

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
          "#bcbd22"]


def svg_loglog(series, title, xlabel, ylabel, path, xticks=None):
    """series: [(name, [(x, y), ...])], log-log axes, lines with markers, legend on the right."""
    pts = [p for _, s in series for p in s if p[0] > 0 and p[1] > 0]
    if not pts:
        return False
    W, H, L, R, T, B = 980, 520, 80, 360, 40, 60
    x0, x1 = math.log10(min(p[0] for p in pts)), math.log10(max(p[0] for p in pts))
    y0, y1 = math.floor(math.log10(min(p[1] for p in pts))), math.ceil(math.log10(max(p[1] for p in pts)))
    pad = 0.08 * (x1 - x0 or 1)
    x0, x1 = x0 - pad, x1 + pad
    if y1 == y0:
        y1 += 1
    X = lambda v: L + (math.log10(v) - x0) / (x1 - x0) * (W - L - R)
    Y = lambda v: T + (y1 - math.log10(v)) / (y1 - y0) * (H - T - B)
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
         'font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{(L + W - R) / 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>']
    for e in range(int(y0), int(y1) + 1):
        for m in (1, 2, 5):
            v = m * 10 ** e
            if v < 10 ** y0 or v > 10 ** y1:
                continue
            y = Y(v)
            o.append(f'<line x1="{L}" x2="{W - R}" y1="{y:.1f}" y2="{y:.1f}" stroke="{"#ccc" if m == 1 else "#eee"}"/>')
            o.append(f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end">{fmt(v)}</text>')
    for v in xticks or sorted({p[0] for p in pts}):
        x = X(v)
        o.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{T}" y2="{H - B}" stroke="#eee"/>')
        o.append(f'<text x="{x:.1f}" y="{H - B + 16}" text-anchor="middle">{fmt(v)}</text>')
    o.append(f'<rect x="{L}" y="{T}" width="{W - L - R}" height="{H - T - B}" fill="none" stroke="black"/>')
    o.append(f'<text x="{(L + W - R) / 2}" y="{H - 18}" text-anchor="middle">{escape(xlabel)}</text>')
    o.append(f'<text transform="translate(18,{(T + H - B) / 2}) rotate(-90)" text-anchor="middle">{escape(ylabel)}</text>')
    for i, (name, s) in enumerate(series):
        c = COLORS[i % len(COLORS)]
        s = sorted(p for p in s if p[0] > 0 and p[1] > 0)
        if not s:
            continue
        dash = ' stroke-dasharray="6,3"' if "OpenBLAS" in name else ""
        o.append(f'<polyline fill="none" stroke="{c}" stroke-width="2"{dash} points="' +
                 " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in s) + '"/>')
        for x, y in s:
            o.append(f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3.5" fill="{c}"/>')
        ly = T + 10 + 20 * i
        o.append(f'<line x1="{W - R + 15}" x2="{W - R + 45}" y1="{ly}" y2="{ly}" stroke="{c}" stroke-width="2"{dash}/>')
        o.append(f'<text x="{W - R + 52}" y="{ly + 4}">{escape(name)}</text>')
    o.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(o) + "\n")
    return True


# ---- report ---------------------------------------------------------------------------------------------

def machine_info():
    lscpu = sh("lscpu")
    info = {}
    for line in lscpu.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            info[k.strip()] = v.strip()
    flags = set(info.get("Flags", "").split())
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "model": info.get("Model name", "?"),
        "cpus": info.get("CPU(s)", "?"),
        "threads_per_core": info.get("Thread(s) per core", "?"),
        "flags": " ".join(f for f in ("avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16",
                                      "avx512_vnni") if f in flags),
        "caches": ", ".join(f"{k.split()[0]} {info[k]}" for k in ("L1d cache", "L2 cache", "L3 cache") if k in info),
        "memory": mem,
        "kernel": sh("uname", "-r"),
        "hypervisor": info.get("Hypervisor vendor", ""),
    }


def versions():
    def dpkg(p):
        v = sh("dpkg-query", "-W", "-f", "${Version}", p)
        return v or "not installed"
    return {
        "g++": sh("g++", "--version").splitlines()[0] if sh("g++", "--version") else "?",
        "clang++": sh("clang++", "--version").splitlines()[0] if sh("clang++", "--version") else "?",
        "Boost (libboost-dev)": dpkg("libboost-dev"),
        "OpenBLAS (libopenblas0-pthread)": dpkg("libopenblas0-pthread"),
        "libblas.so.3 alternative": sh("update-alternatives", "--query", "libblas.so.3-x86_64-linux-gnu").split("Value: ")[-1].splitlines()[0]
        if "Value: " in sh("update-alternatives", "--query", "libblas.so.3-x86_64-linux-gnu") else "?",
        "libtorch (libtorch-dev)": dpkg("libtorch-dev"),
        "google-benchmark (libbenchmark-dev)": dpkg("libbenchmark-dev"),
        "Python": sh("python3", "--version"),
    }


def source_state(repo):
    head = sh("git", "-C", repo, "log", "-1", "--format=%h %s")
    if not head:
        return "not a git checkout"
    dirty = sh("git", "-C", repo, "status", "--short", "--", "include", "benchmarks", "scripts")
    files = ", ".join(f for f in (l.split(maxsplit=1)[-1] for l in dirty.splitlines())
                      if f != "benchmarks/RESULTS.md" and not f.endswith(".svg"))
    return f"`{head[:100]}`" + (f" plus uncommitted: {files}" if files else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", default="build-bench/results")
    ap.add_argument("--command", default="bash scripts/bench.sh")
    ap.add_argument("--markdown", default="benchmarks/RESULTS.md")
    ap.add_argument("--svg", default="benchmarks/results_time_per_step.svg")
    args = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rows, contexts = load_rows(args.results)
    md = []
    w = md.append

    # ---- sgemm reference ----
    gemm_rows = [r for r in rows if r["family"] in ("BM_sgemm", "BM_sgemm_step") and r["gflops"]]
    def gemm_config(r):
        be = r["words"][0]
        if be == "portable":
            return "tapeless portable"
        core = contexts.get(r["label"], {}).get("openblas_corename", "?")
        how = "as configured" if r["label"] == "gemm" else "own kernel choice"
        return f"OpenBLAS {how} ({core})"
    best = max(gemm_rows, key=lambda r: r["gflops"]) if gemm_rows else None
    best_rate = best["gflops"] if best else None
    step_ceiling = {}
    for r in gemm_rows:
        if r["family"] == "BM_sgemm_step":
            key = tuple(r["args"][k] for k in "NDHO")
            if key not in step_ceiling or r["gflops"] > step_ceiling[key][0]:
                step_ceiling[key] = (r["gflops"], gemm_config(r))

    # ---- seed rows ----
    seed = {}
    for r in rows:
        if r["family"].startswith("BM_seed_"):
            for (label, fam), key, _ in IMPLS:
                if r["label"] == label and r["family"] == fam:
                    seed[(key, tuple(r["args"][k] for k in "NDHO"))] = r

    def ratio(a, b, size):
        ra, rb = seed.get((a, size)), seed.get((b, size))
        return ra["cpu_us"] / rb["cpu_us"] if ra and rb else None

    ld_start = open(os.path.join(args.results, "loadavg_start.txt")).read().split()[:3] \
        if os.path.exists(os.path.join(args.results, "loadavg_start.txt")) else None
    ld_end = open(os.path.join(args.results, "loadavg_end.txt")).read().split()[:3] \
        if os.path.exists(os.path.join(args.results, "loadavg_end.txt")) else None
    m = machine_info()
    v = versions()
    reps = max((r["reps"] for r in rows), default=0)

    w("# tapeless benchmark results")
    w("")
    if not rows:
        w(f"Generated by `benchmarks/report.py` on {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} from "
          "the raw results of one run of `scripts/bench.sh` **without runtime results** (e.g. "
          "`TAPELESS_SKIP_APT=1 TAPELESS_SKIP_BUILD=1 TAPELESS_SKIP_RUN=1 bash scripts/bench.sh`): only the "
          "compile cost is reported. The machine is a shared 2-core VM "
          f"(load average {' / '.join(ld_start) if ld_start else '?'} at the start, "
          f"{' / '.join(ld_end) if ld_end else '?'} at the end; 1 / 5 / 15 min), so compile seconds are noisy.")
        w("")
    else:
        w(f"Generated by `benchmarks/report.py` on {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} from the "
          "raw results of one run of `scripts/bench.sh`. Every runtime row ran in its own process, single thread "
          "(`OPENBLAS_NUM_THREADS=1`, `OMP_NUM_THREADS=1`, `torch::set_num_threads(1)`), "
          f"{reps} repetitions; each figure is the **median of the repetitions**. To reproduce: "
          "`bash scripts/bench.sh` as root on Debian 12 (it installs its packages; its header lists the knobs); "
          "raw JSON, `/usr/bin/time -v` output and logs stay in `build-bench/results/`.")
        w("")
        w("**Noise.** The machine is a shared 2-core VM: other jobs (compilers) ran during the run "
          f"(load average {' / '.join(ld_start) if ld_start else '?'} at the start, "
          f"{' / '.join(ld_end) if ld_end else '?'} at the end; 1 / 5 / 15 min). Times are **CPU time** of the "
          "benchmark thread, which is less disturbed by other processes than wall time (wall-time medians are "
          "in the JSON files); the `cv` column is the coefficient of variation of the CPU time over the "
          "repetitions. Differences below ~5-10 % are within the noise of this machine.")
        w("")
    w("## Setup")
    w("")
    w(table(["", ""], [
        ["command", f"`{args.command}`"],
        ["source", source_state(repo)],
        ["CPU", f"{m['model']}, {m['cpus']} CPUs ({m['threads_per_core']} thread per core)"
         + (f", {m['hypervisor']} VM" if m['hypervisor'] else "")],
        ["vector ISA (lscpu flags)", m["flags"]],
        ["caches", m["caches"] or "(not reported by lscpu)"],
        ["memory", m["memory"]],
        ["kernel", m["kernel"]],
        ["OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE in the environment",
         f"{os.environ.get('OPENBLAS_CORETYPE', '(unset)')} / {os.environ.get('OPENBLAS_L2_SIZE', '(unset)')}"],
    ] + [[k, val] for k, val in v.items()], ["l", "l"]))
    w("")
    flags_path = os.path.join(args.results, "build_flags.txt")
    if rows and os.path.exists(flags_path) and os.path.getsize(flags_path):
        w("Benchmark compile commands (CMake Release, `-march=native` from `TAPELESS_NATIVE`):")
        w("")
        w("```")
        for line in open(flags_path):
            w(re.sub(r"\s+", " ", line.strip()))
        w("```")
        w("")
    if "libtorch" in contexts:
        w(f"libtorch reports version {contexts['libtorch'].get('libtorch_version', '?')}, "
          f"{contexts['libtorch'].get('torch_num_threads', '?')} thread; its matrix products go through "
          "`libblas.so.3` (Debian: OpenBLAS), so it is run twice like the GEMMs.")
        w("")

    # ---- targets (filled below, printed first) ----
    targets = []
    written = [args.markdown]  # the files this run writes, for the last line

    # ---- GEMM ----
    runtime_start = len(md)  # the runtime sections, dropped below when there are no runtime results
    w("## sgemm reference (single thread)")
    w("")
    if best:
        w(f"**Best measured single-thread sgemm rate: {best_rate:.1f} GFLOP/s** "
          f"({gemm_config(best)}, `{best['name']}`). Every \"% best\" below is relative to it. "
          "\"OpenBLAS as configured\" is OpenBLAS under the environment's `OPENBLAS_CORETYPE`; "
          "\"own kernel choice\" is the same binary with `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` unset.")
        w("")
        configs = sorted({gemm_config(r) for r in gemm_rows},
                         key=lambda c: (not c.startswith("tapeless"), "own kernel choice" in c, c))
        shapes = sorted({(r["family"], r["name"].split("/", 2)[2]) for r in gemm_rows},
                        key=lambda k: (k[0] == "BM_sgemm_step", k[0] == "BM_sgemm" and k[1].startswith("nn/m:") and
                                       len(set(re.findall(r"\d+", k[1]))) == 1,
                                       [int(x) for x in re.findall(r"\d+", k[1])]))
        body = []
        for fam, s in shapes:
            cells = []
            for c in configs:
                hit = [r for r in gemm_rows if r["family"] == fam and r["name"].split("/", 2)[2] == s and gemm_config(r) == c]
                cells.append(fmt(hit[0]["gflops"]) if hit else "–")
            what = ("step's 5 GEMMs " + s.replace("/", " ")) if fam == "BM_sgemm_step" else s.replace("/", " ")
            body.append([what] + cells)
        w("GFLOP/s (CPU time). `nn`/`tn`: op(A) plain or transposed; the step rows run the five GEMMs of one "
          "seed step back to back, i.e. the GEMM-only ceiling of the step at that size.")
        w("")
        w(table(["shape"] + configs, body))
        w("")

    # ---- seed ----
    w("## Seed network: one training step (forward + backward, no update), float")
    w("")
    w("GFLOP/s counts the step's GEMM work, `4NDH + 6NHO`. \"% best\" is of the best sgemm rate above; "
      "\"% step GEMMs\" is of the fastest measured rate of the step's own five GEMMs at that size "
      "(the GEMM-only ceiling). allocs/step: `operator new` calls per step (libtorch rows: every C "
      "allocation function, which its executable interposes). Peak RSS: of the row's process "
      "(`/usr/bin/time -v`), so it includes the benchmark's data and, for libtorch, its libraries.")
    w("")
    for size in SEED_SIZES:
        body = []
        for _, key, desc in IMPLS:
            r = seed.get((key, size))
            if not r:
                continue
            ceil = step_ceiling.get(size)
            body.append([desc, fmt(r["cpu_us"]), f"{100 * r['cv']:.1f} %" if r["cv"] is not None else "–",
                         fmt(r["gflops"]),
                         f"{100 * r['gflops'] / best_rate:.0f} %" if best_rate and r["gflops"] else "–",
                         f"{100 * r['gflops'] / ceil[0]:.0f} %" if ceil and r["gflops"] else "–",
                         fmt_allocs(r["allocs"]), fmt(r["rss"])])
        if not body:
            continue
        w(f"### (N, D, H, O) = {size}")
        w("")
        w(table(["implementation", "µs / step", "cv", "GFLOP/s", "% best", "% step GEMMs", "allocs/step",
                 "peak RSS MiB"], body))
        w("")

    w("### Ratios of time per step (lower is better for the numerator)")
    w("")
    ratio_defs = [
        ("tapeless / hand-written", "tapeless", "handwritten"),
        ("tapeless static / runtime extents", "tapeless-static", "tapeless"),
        ("tape / tapeless", "tape", "tapeless"),
        ("libtorch / tapeless", "libtorch", "tapeless"),
        ("libtorch (OpenBLAS own choice) / tapeless", "libtorch-auto", "tapeless"),
        ("tapeless on OpenBLAS (own choice) / hand-written on OpenBLAS", "tapeless-cblas", "handwritten-cblas"),
        ("tapeless on OpenBLAS (own choice) / tapeless portable", "tapeless-cblas", "tapeless"),
    ]
    body = []
    for name, a, b in ratio_defs:
        cells = [ratio(a, b, s) for s in SEED_SIZES]
        if any(c is not None for c in cells):
            body.append([name] + [f"{c:.2f}" if c is not None else "–" for c in cells])
    w(table(["ratio"] + [str(s) for s in SEED_SIZES], body))
    w("")

    # plot
    plot_sizes = [s for s in SEED_SIZES if s[1:] == (784, 50, 1)]
    series = []
    for _, key, desc in IMPLS:
        pts = [(s[0], seed[(key, s)]["cpu_us"]) for s in plot_sizes if (key, s) in seed]
        if pts:
            series.append((desc.replace("`", "").replace("OpenBLAS own kernel choice", "OpenBLAS auto")
                           .replace("OpenBLAS as configured", "OpenBLAS env").replace(", runtime extents", "")
                           .replace("tapeless compile, static extents", "tapeless compile static"), pts))
    if svg_loglog(series, "Seed step (D=784, H=50, O=1, float, 1 thread): time per step vs batch size",
                  "batch size N", "µs per step (median CPU time)", args.svg, xticks=[s[0] for s in plot_sizes]):
        written.append(args.svg)
        rel = os.path.relpath(args.svg, os.path.dirname(os.path.abspath(args.markdown)))
        w(f"![time per step against batch size]({rel})")
        w("")
        w(f"`{rel}`: the seed's sizes N = {', '.join(str(s[0]) for s in plot_sizes)} (D = 784, H = 50, O = 1), "
          "log-log; dashed lines use OpenBLAS. (8, 4, 3, 1) and (256, 784, 256, 10) are other networks and "
          "are in the tables only.")
        w("")

    # ---- classic ----
    w("## Classic AD problems: gradient time / plain function time, float")
    w("")
    w("linreg: `f(w) = 0.5 * sum((X·w - y)^2)` (Gaussian negative log-likelihood of a linear regression up "
      "to constants), X 1000 x p, gradient wrt w. sumprod: `f(A, B) = sum(A ⊙ B)`, A, B n x n, gradient wrt "
      "A and B. \"function\" rows compute f only (tapeless: `compile(f)` without leaves; tape: recorded, no "
      "backward; hand-written: plain loops), \"gradient\" rows f and its gradient. The plain function "
      "every ratio divides by is the hand-written loop.")
    w("")
    classic = {}
    for r in rows:
        mm = re.match(r"BM_(linreg|sumprod)_(function|gradient)_(\w+)$", r["family"])
        if mm:
            size = r["args"].get("p", r["args"].get("n"))
            classic[(mm.group(1), mm.group(2), mm.group(3), size)] = r
    impl_names = {"handwritten": "hand-written", "tapeless": "tapeless `compile`", "tape": "`tapeless::tape`"}
    ratio_body = []
    for prob, var, sizes in (("linreg", "p", (10, 150)), ("sumprod", "n", (11, 181))):
        body = []
        for size in sizes:
            for kind in ("function", "gradient"):
                for impl in ("handwritten", "tapeless", "tape"):
                    r = classic.get((prob, kind, impl, size))
                    if r:
                        body.append([f"{var} = {size}", kind, impl_names[impl], fmt(r["cpu_us"]),
                                     f"{100 * r['cv']:.1f} %" if r["cv"] is not None else "–", fmt(r["gflops"]),
                                     fmt_allocs(r["allocs"]), fmt(r["rss"])])
            plain = classic.get((prob, "function", "handwritten", size))
            for impl in ("handwritten", "tapeless", "tape"):
                g = classic.get((prob, "gradient", impl, size))
                own = classic.get((prob, "function", impl, size))
                if g and plain:
                    ratio_body.append([f"{prob}, {var} = {size}", impl_names[impl],
                                       f"{g['cpu_us'] / plain['cpu_us']:.2f}",
                                       f"{g['cpu_us'] / own['cpu_us']:.2f}" if own else "–",
                                       f"{own['cpu_us'] / plain['cpu_us']:.2f}" if own else "–"])
        if body:
            w(f"### {prob}")
            w("")
            w(table([var, "computes", "implementation", "µs", "cv", "GFLOP/s", "allocs", "peak RSS MiB"], body,
                    ["l", "l", "l", "r", "r", "r", "r", "r"]))
            w("")
    if ratio_body:
        w("### Ratios")
        w("")
        w(table(["problem", "implementation", "gradient / plain function", "gradient / own function",
                 "own function / plain function"], ratio_body, ["l", "l", "r", "r", "r"]))
        w("")
        w("Published comparisons (e.g. the Stan Math paper, Carpenter et al. 2015) report the first column; "
          "the cheap-gradient principle bounds it by a small constant (about 4-5 for reverse mode).")
        w("")

    if not rows:
        del md[runtime_start:]

    # ---- compile cost ----
    comp_path = os.path.join(args.results, "compile.tsv")
    comp = []
    if os.path.exists(comp_path):
        with open(comp_path) as f:
            next(f, None)
            for line in f:
                p = line.rstrip("\n").split("\t")
                if len(p) >= 6:
                    comp.append({"what": p[0], "cxx": p[1], "L": p[2], "s": float(p[3]) if p[3] else None,
                                 "mib": int(p[4]) / 1024 if p[4] else None, "status": p[5]})
    if comp:
        w("## Compile cost (-O2, `-std=c++20`, no `-march`)")
        w("")
        w("Wall seconds and peak compiler memory (`/usr/bin/time -v`) to compile one translation unit: "
          "`benchmarks/compile/seed_step.cpp` (the seed step: expression, gradients, plan, kernels), "
          "`benchmarks/compile/mlp_depth.cpp` (an L-layer relu MLP's step, gradients wrt all 2L parameters), "
          "`benchmarks/compile/residual.cpp` (B residual blocks `h + tanh(lin(h, W, b))`, then softmax "
          "cross-entropy; gradients wrt all 2B + 2 parameters) and `benchmarks/compile/layernorm.cpp` (B blocks "
          "of a layer normalisation written from `mean_rows`, `sqrt` and `/` followed by a relu layer, then "
          "softmax cross-entropy). The L / B column is the depth L of mlp_depth and the block count B of "
          "residual and layernorm. A compile past the timeout is recorded as `timeout`; larger L / B of that "
          "TU are then skipped for that compiler; `error(n)` is a compile that failed (its messages are in "
          "`compile/<TU>_<compiler>_<L>.err` of the raw results). "
          "Other jobs shared the 2 cores, so seconds are noisy. The peak of a killed compile is the peak "
          "reached before the kill (g++'s: not recorded, its `cc1plus` is not reaped by the killed driver).")
        w("")
        smax = max((c["s"] for c in comp if c["s"] and c["status"] == "ok"), default=1.0)
        body = []
        for c in comp:
            bar = "█" * max(1, round(30 * c["s"] / smax)) if c["s"] and c["status"] == "ok" else ""
            mib = fmt(c["mib"]) if c["mib"] is not None else "–"
            if c["status"] == "timeout" and c["mib"] is not None:
                # Killed: g++'s cc1plus dies unreaped by its driver, so its peak may be missing.
                mib = f"≥ {fmt(c['mib'])}" if c["mib"] > 100 else "not recorded"
            body.append([c["what"], c["cxx"], c["L"], fmt(c["s"]) if c["s"] is not None else "–",
                         mib, c["status"], bar])
        w(table(["TU", "compiler", "L / B", "seconds", "peak MiB", "status", "seconds (chart)"], body,
                ["l", "l", "r", "r", "r", "l", "l"]))
        w("")

        def mlp_points(cxx, key):
            return sorted((int(c["L"]), c[key]) for c in comp if c["what"] == "mlp_depth" and c["cxx"] == cxx
                          and c["status"] == "ok" and c[key])
        # Log-log slope of seconds against L: least squares over the compiled depths L >= 8.
        slopes = {}
        for cxx in ("g++", "clang++"):
            fit = [p for p in mlp_points(cxx, "s") if p[0] >= 8]
            k = loglog_slope(fit)
            if k is not None:
                slopes[cxx] = (k, fit[0][0], fit[-1][0], len(fit))
        series, mem_series = [], []
        for cxx in ("g++", "clang++"):
            pts = mlp_points(cxx, "s")
            if pts:
                series.append((f"{cxx}" + (f" (slope {slopes[cxx][0]:.2f} for L ≥ 8)" if cxx in slopes else ""), pts))
            pts = mlp_points(cxx, "mib")
            if pts:
                mem_series.append((cxx, pts))
        def chart(name, data, title, ylabel, alt):
            path = os.path.join(os.path.dirname(args.svg), name)
            if svg_loglog(data, title, "depth L", ylabel, path,
                          xticks=sorted({p[0] for _, pts in data for p in pts})):
                written.append(path)
                rel = os.path.relpath(path, os.path.dirname(os.path.abspath(args.markdown)))
                w(f"![{alt}]({rel})")
                w("")

        chart("results_compile_cost.svg", series, "Compile time of an L-layer MLP step (mlp_depth.cpp, -O2)",
              "seconds (wall)", "compile seconds against depth")
        chart("results_compile_memory.svg", mem_series,
              "Peak compiler memory of an L-layer MLP step (mlp_depth.cpp, -O2)", "peak MiB",
              "peak compiler memory against depth")
        body = []
        for cxx in ("g++", "clang++"):
            failed = [f"{c['L']} ({c['status'].split(' (')[0]})" for c in comp
                      if c["what"] == "mlp_depth" and c["cxx"] == cxx and c["status"] != "ok"]
            if cxx in slopes:
                k, la, lb, n = slopes[cxx]
                body.append([cxx, f"{k:.2f}", f"{la} to {lb}", str(n), ", ".join(failed) or "–"])
                print(f"report.py: mlp_depth {cxx}: log-log slope of compile seconds against L = {k:.2f} "
                      f"(least squares, {n} points, L = {la} to {lb})")
            elif mlp_points(cxx, "s") or failed:
                body.append([cxx, "–", "fewer than 2 compiled L ≥ 8", "–", ", ".join(failed) or "–"])
        if body:
            w("Growth of compile time with depth (mlp_depth): the slope of log seconds against log L, fitted by "
              "least squares over every depth L ≥ 8 that compiled (1 = linear, 2 = quadratic).")
            w("")
            w(table(["compiler", "log-log slope", "L fitted", "points", "not compiled"], body,
                    ["l", "r", "l", "r", "l"]))
            w("")
        # growth exponent for the target
        for cxx in ("g++", "clang++"):
            pts = [(int(c["L"]), c["s"]) for c in comp if c["what"] == "mlp_depth" and c["cxx"] == cxx
                   and c["status"] == "ok" and c["s"]]
            failed = [c["L"] for c in comp if c["what"] == "mlp_depth" and c["cxx"] == cxx and c["status"] != "ok"]
            big = [p for p in pts if p[0] >= 4]
            if len(big) >= 2:
                (la, sa), (lb, sb) = big[0], big[-1]
                k = math.log(sb / sa) / math.log(lb / la)
                ok = k <= 1.3 and not failed
                targets.append((f"Compile time near-linear in depth ({cxx}, mlp_depth)",
                                "growth exponent ≤ 1.3 over the measured L ≥ 4, no timeout",
                                f"exponent {k:.2f} from L={la} to L={lb}" + (f"; not ok at L = {', '.join(failed)}" if failed else ""),
                                "met" if ok else "not met"))
            elif failed:
                targets.append((f"Compile time near-linear in depth ({cxx}, mlp_depth)",
                                "growth exponent ≤ 1.3, no timeout", f"not ok at L = {', '.join(failed)}", "not met"))
        for cxx in ("g++", "clang++"):
            c = [c for c in comp if c["what"] == "seed_step" and c["cxx"] == cxx]
            if c:
                c = c[0]
                targets.append((f"Seed step TU compile cost ({cxx} -O2)", "reported",
                                f"{fmt(c['s'])} s, {fmt(c['mib'])} MiB ({c['status']})", "reported"))

    # ---- targets ----
    def verdict(ok, close=False):
        return "met" if ok else ("within noise" if close else "not met")
    for key in ("tapeless", "tapeless-static"):
        vals = [seed[(key, s)]["allocs"] for s in SEED_SIZES if (key, s) in seed]
        if vals:
            targets.insert(0, (f"A step allocates nothing ({IMPL_BY_KEY[key][1]})", "0 allocations per step, every size",
                               "max " + fmt_allocs(max(vals)), verdict(max(vals) == 0)))
    for s in SEED_SIZES:
        q = ratio("tapeless", "handwritten", s)
        if q is not None:
            cv = max(seed[("tapeless", s)]["cv"] or 0, seed[("handwritten", s)]["cv"] or 0)
            v = verdict(q <= 1.0, q <= 1.05)
            if v == "not met" and cv > 0.10:
                v = f"not met, but noisy (cv up to {100 * cv:.0f} %)"
            targets.append((f"tapeless ≤ hand-written backprop, {s}", "time ratio ≤ 1.00 (≤ 1.05: within noise)",
                            f"{q:.2f}", v))
    # The benchmark issue's numbers.
    for s in SEED_SIZES[:2]:
        q = ratio("tape", "tapeless", s)
        if q is not None:
            targets.append((f"tapeless vs tapeless::tape, {s}", "tape / tapeless ≥ 3", f"{q:.2f}", verdict(q >= 3)))
    for i, s in enumerate(SEED_SIZES):
        need = 100 if i == 0 else 2 if i == 1 else 1.5
        q = ratio("libtorch", "tapeless", s)
        qa = ratio("libtorch-auto", "tapeless", s)
        if q is not None:
            qm = min(x for x in (q, qa) if x is not None)
            targets.append((f"tapeless vs libtorch, {s}", f"libtorch / tapeless ≥ {need} (faster libtorch run)",
                            f"{qm:.2f}", verdict(qm >= need)))
    for s in SEED_SIZES[2:]:
        r = seed.get(("tapeless", s))
        if r and r["gflops"] and best_rate:
            pct = 100 * r["gflops"] / best_rate
            targets.append((f"% of best single-thread sgemm, {s}", "≥ 80 % of the best measured sgemm rate",
                            f"{pct:.0f} %", verdict(pct >= 80)))
    for prob, size, need in (("linreg", 150, 2.5), ("sumprod", 181, 3.2), ("linreg", 10, None), ("sumprod", 11, None)):
        g = classic.get((prob, "gradient", "tapeless", size))
        plain = classic.get((prob, "function", "tapeless", size)) or classic.get((prob, "function", "handwritten", size))
        if g and plain:
            q = g["cpu_us"] / plain["cpu_us"]
            targets.append((f"{prob} {size}: gradient / function (tapeless)", f"≤ {need}" if need else "reported",
                            f"{q:.2f}", verdict(q <= need) if need else "reported"))

    head = md[:md.index("## Setup")]
    rest = md[md.index("## Setup"):]
    tmd = ["## Targets", "",
           "The performance goals of the benchmark issue and of `DESIGN.md`'s performance model, each with "
           "the threshold this report checks. Thresholds marked as such are this report's reading of "
           "qualitative goals (\"a wide margin\", \"near-linear\", \"the practical ceiling\"): adjust them in "
           "`benchmarks/report.py` if the issue fixes other numbers.", "",
           table(["target", "threshold", "measured", "verdict"], [list(t) for t in targets], ["l", "l", "r", "l"]),
           ""]
    # Summary table: the seed at every size, main implementations.
    summary = []
    for _, key, desc in IMPLS:
        cells = [fmt(seed[(key, s)]["cpu_us"]) if (key, s) in seed else "–" for s in SEED_SIZES]
        if any(c != "–" for c in cells):
            summary.append([desc] + cells)
    smd = ["## Summary: µs per seed step (median CPU time)", "",
           table(["implementation"] + [str(s) for s in SEED_SIZES], summary), ""] if summary else []
    with open(args.markdown, "w") as f:
        f.write("\n".join(head + smd + tmd + rest).rstrip() + "\n")
    print(f"report.py: wrote {', '.join(written)} ({len(rows)} runtime rows, {len(comp)} compile rows)")


if __name__ == "__main__":
    main()
