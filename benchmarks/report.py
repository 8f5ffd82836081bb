#!/usr/bin/env python3
"""Writes benchmarks/RESULTS.md and the time-per-step plot from the raw results of scripts/bench.sh.

  python3 benchmarks/report.py --results build-bench/results --command "bash scripts/bench.sh" \\
      --markdown benchmarks/RESULTS.md --svg benchmarks/results_time_per_step.svg

Reads <results>/runtime/<label>/<row>.json (google-benchmark JSON, repetitions as aggregates),
<row>.time (/usr/bin/time -v of that row's process), <results>/compile.tsv and a few files bench.sh
leaves there; asks the system (lscpu, dpkg-query, compilers) for the machine and versions. The
tables need the Python 3 standard library only; the SVG plots are drawn with matplotlib
(Debian: python3-matplotlib).
The Markdown is cut into sections between `<!-- report.py: begin NAME -->` and
`<!-- report.py: end NAME -->` markers: runtime-intro, runtime-summary, runtime-targets, runtime-setup
and runtime (from the runtime rows), compile-targets and compile (from compile.tsv). With
--keep-runtime (bench.sh with TAPELESS_SKIP_RUN=1), or when there are no runtime results, the runtime
sections are copied from the existing --markdown file instead of written anew; --keep-compile
(TAPELESS_SKIP_COMPILE=1), or no compile.tsv, does the same for the compile sections. A file written
before the markers existed is cut at its headings.

Times: the median CPU time of the benchmark's thread for one-thread rows, the median wall time for
rows on several threads (/T:2 rows, and the run mlp-cblas-t2: OpenBLAS on 2 threads), whose other
threads' work the benchmark thread's CPU time does not see.
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

SEED_SIZES = [(8, 4, 3, 1), (64, 784, 50, 1), (1000, 784, 50, 1), (10000, 784, 50, 1), (256, 784, 256, 10)]

# (run label, benchmark family, threads) -> (short key, description). Order = table order. Rows
# named without /T: are one-thread rows (older results, and the families that have no T).
IMPLS = [
    (("mlp", "BM_seed_tapeless", 1), "tapeless", "tapeless `compile`, runtime extents"),
    (("mlp", "BM_seed_tapeless", 2), "tapeless-t2", "tapeless `compile`, runtime extents, 2 threads"),
    (("mlp", "BM_seed_tapeless_static", 1), "tapeless-static", "tapeless `compile`, static extents"),
    (("mlp", "BM_seed_handwritten", 1), "handwritten", "hand-written backprop (same kernels)"),
    (("mlp", "BM_seed_tape", 1), "tape", "`tapeless::tape`"),
    (("libtorch", "BM_seed_libtorch", 1), "libtorch", "libtorch autograd, OpenBLAS as configured"),
    (("libtorch", "BM_seed_libtorch", 2), "libtorch-t2", "libtorch autograd, OpenBLAS as configured, 2 threads"),
    (("libtorch-auto", "BM_seed_libtorch", 1), "libtorch-auto", "libtorch autograd, OpenBLAS own kernel choice"),
    (("libtorch-auto", "BM_seed_libtorch", 2), "libtorch-auto-t2", "libtorch autograd, OpenBLAS own kernel choice, 2 threads"),
    (("mlp-cblas", "BM_seed_tapeless", 1), "tapeless-cblas", "tapeless `compile`, runtime extents, OpenBLAS own kernel choice"),
    (("mlp-cblas", "BM_seed_tapeless", 2), "tapeless-cblas-t2", "tapeless `compile`, runtime extents, OpenBLAS own kernel choice, 2 threads"),
    (("mlp-cblas", "BM_seed_tapeless_static", 1), "tapeless-static-cblas", "tapeless `compile`, static extents, OpenBLAS own kernel choice"),
    (("mlp-cblas", "BM_seed_handwritten", 1), "handwritten-cblas", "hand-written backprop, OpenBLAS own kernel choice"),
    (("mlp-cblas-t2", "BM_seed_handwritten", 2), "handwritten-cblas-t2", "hand-written backprop, OpenBLAS own kernel choice, 2 threads"),
    (("mlp-cblas", "BM_seed_tape", 1), "tape-cblas", "`tapeless::tape`, OpenBLAS own kernel choice"),
]
IMPL_BY_KEY = {k: (src, d) for src, k, d in IMPLS}
# Runs whose every row uses more than one thread (the environment says so, not the row's name).
LABEL_THREADS = {"mlp-cblas-t2": 2}


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
            threads = LABEL_THREADS.get(label, args.get("T", 1) if isinstance(args.get("T", 1), int) else 1)
            cpu_us, real_us = med["cpu_time"] * scale, med["real_time"] * scale
            if threads > 1 and mean and std and mean["real_time"]:
                cv = std["real_time"] / mean["real_time"]
            gflops = med.get("GFLOP/s", 0.0) / 1e9 if "GFLOP/s" in med else None
            if gflops and threads > 1 and real_us:
                gflops *= cpu_us / real_us  # google-benchmark's rate divides by the CPU time
            rows.append({
                "label": label, "name": name, "family": family, "words": words, "args": args,
                "threads": threads, "cpu_us": cpu_us, "real_us": real_us,
                "t_us": real_us if threads > 1 else cpu_us, "cv": cv,
                "gflops": gflops,
                "allocs": med.get("allocs/step"),
                # fusion.cpp checks its results in a child process, which /usr/bin/time counts too:
                # its rows' own peak is the counter (getrusage of the process itself).
                "rss": med.get("peak_RSS_MiB") if family.startswith("BM_fusion_") and "peak_RSS_MiB" in med
                else rss if rss is not None else med.get("peak_RSS_MiB"),
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


# ---- plots ------------------------------------------------------------------------------------------------

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
          "#bcbd22"]


def svg_loglog(series, title, xlabel, ylabel, path, xticks=None, colors=None):
    """series: [(name, [(x, y), ...])], log-log axes, lines with markers, legend on the right; colors:
    a colour index per series (default: its position). OpenBLAS and clang++ series are dashed.

    Drawn with matplotlib (Debian: python3-matplotlib), imported here so the tables need nothing.
    """
    pts = [p for _, s in series for p in s if p[0] > 0 and p[1] > 0]
    if not pts:
        return False
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullLocator

    # The same data gives the same file: fixed element ids, no date.
    plt.rcParams["svg.hashsalt"] = "tapeless"
    plt.rcParams["font.size"] = 9
    fig, ax = plt.subplots(figsize=(9.8, 5.2), dpi=100)
    for i, (name, s) in enumerate(series):
        s = sorted(p for p in s if p[0] > 0 and p[1] > 0)
        if not s:
            continue
        ax.plot([x for x, _ in s], [y for _, y in s], marker="o", markersize=4, linewidth=2,
                color=COLORS[(colors[i] if colors else i) % len(COLORS)],
                linestyle="--" if "OpenBLAS" in name or "clang" in name else "-", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    x0, x1 = math.log10(min(p[0] for p in pts)), math.log10(max(p[0] for p in pts))
    y0, y1 = math.floor(math.log10(min(p[1] for p in pts))), math.ceil(math.log10(max(p[1] for p in pts)))
    pad = 0.08 * (x1 - x0 or 1)
    ax.set_xlim(10 ** (x0 - pad), 10 ** (x1 + pad))
    ax.set_ylim(10 ** y0, 10 ** (y1 if y1 > y0 else y0 + 1))
    ticks = FuncFormatter(lambda v, _: fmt(v))
    ax.xaxis.set_major_locator(FixedLocator(xticks or sorted({p[0] for p in pts})))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(ticks)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(ticks)
    ax.grid(True, color="#ddd")
    ax.set_title(title, fontsize=12)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
    fig.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return True


# ---- compile cost ---------------------------------------------------------------------------------------

# The networks whose compile cost is swept over depth: (what in compile.tsv, description).
COMPILE_NETS = [
    ("mlp_depth", "`benchmarks/compile/mlp_depth.cpp`: an L-layer relu MLP's step, gradients with respect to "
                  "all 2L parameters"),
    ("residual", "`benchmarks/compile/residual.cpp`: B residual tanh blocks `h + tanh(lin(h, W, b))`, a linear "
                 "head and softmax cross-entropy, gradients with respect to all 2B + 2 parameters"),
    ("prenorm", "`benchmarks/compile/prenorm.cpp`: B pre-norm residual blocks (layer normalisation from "
                "`mean_rows`, `square`, `sqrt` and `/` with gain and bias, `relu(lin(n, W, b))·V`, the skip), "
                "a linear head and softmax cross-entropy, gradients with respect to all 5B + 2 parameters"),
]
# The TUs compiled once: (what, description).
COMPILE_SINGLE = [
    ("seed_step", "`benchmarks/compile/seed_step.cpp`: the seed step (expression, gradients, plan, kernels)"),
    ("training", "`examples/fashion_mnist_classifier.cpp`: a user's whole training program (784-256-128-10 "
                 "classifier, cross-entropy + L2, Adam, a test-set pass, an npz checkpoint)"),
    ("repeat_residual", "`benchmarks/compile/repeat_residual.cpp`: the residual network with `tl::repeat`, any "
                        "depth"),
]
# Targets (seconds, MB = 10^6 bytes) per (what, size); None: no limit on that quantity.
COMPILE_LIMITS = [
    ("seed_step", "-", 2, 250), ("training", "-", 5, None),
    ("residual", "32", 6, 600), ("residual", "128", 20, 1000),
    ("prenorm", "16", 12, None), ("prenorm", "64", 60, None),
    ("mlp_depth", "128", 20, None),
]
SLOPE_LIMIT, SLOPE_FROM, SLOPE_TO, REPEAT_LIMIT = 1.1, 8, 128, 1.2


def compile_section(comp, w, ctargets, written, args):
    """The compile-cost tables, charts and targets from compile.tsv's rows."""
    def rows(what, cxx):
        return [c for c in comp if c["what"] == what and c["cxx"] == cxx]

    def ok_points(what, cxx, key):
        return sorted((int(c["L"]), c[key]) for c in rows(what, cxx)
                      if c["status"] == "ok" and c[key] and c["L"].isdigit())

    w("## Compile cost (-O2, `-std=c++20`, no `-march`)")
    w("")
    w("Wall seconds and peak compiler memory (`/usr/bin/time -v`, MiB) to compile one translation unit, "
      "g++ and clang++, each under an address-space cap and a timeout. Swept over depth:")
    w("")
    for what, text in COMPILE_NETS:
        w(f"- `{what}`: {text};")
    w("")
    w("and compiled once:")
    w("")
    for what, text in COMPILE_SINGLE:
        w(f"- `{what}`: {text};")
    w("")
    w("A compile past the timeout is recorded as `timeout` and the larger sizes of that TU are skipped for "
      "that compiler; `error(n)` is a compile that failed (its messages are in "
      "`compile/<TU>_<compiler>_<size>.err` of the raw results). The peak of a killed compile is the peak "
      "reached before the kill (g++'s: not recorded, its `cc1plus` is not reaped by the killed driver).")
    w("")
    smax = max((c["s"] for c in comp if c["s"] and c["status"] == "ok"), default=1.0)
    body = []
    for c in comp:
        bar = "█" * max(1, round(30 * c["s"] / smax)) if c["s"] and c["status"] == "ok" else ""
        mib = fmt(c["mib"]) if c["mib"] is not None else "–"
        if c["status"] == "timeout" and c["mib"] is not None:
            mib = f"≥ {fmt(c['mib'])}" if c["mib"] > 100 else "not recorded"
        body.append([c["what"], c["cxx"], c["L"], fmt(c["s"]) if c["s"] is not None else "–", mib, c["status"], bar])
    w(table(["TU", "compiler", "L / B", "seconds", "peak MiB", "status", "seconds (chart)"], body,
            ["l", "l", "r", "r", "r", "l", "l"]))
    w("")

    # Log-log slope of seconds against depth: least squares over the compiled sizes in [from, to].
    slopes = {}
    for what, _ in COMPILE_NETS:
        for cxx in ("g++", "clang++"):
            fit = [p for p in ok_points(what, cxx, "s") if SLOPE_FROM <= p[0] <= SLOPE_TO]
            k = loglog_slope(fit)
            if k is not None:
                slopes[(what, cxx)] = (k, fit[0][0], fit[-1][0], len(fit))
    series, mem_series, colors = [], [], []
    for i, (what, _) in enumerate(COMPILE_NETS):
        for cxx in ("g++", "clang++"):
            pts = ok_points(what, cxx, "s")
            if pts:
                sl = slopes.get((what, cxx))
                series.append((f"{what}, {cxx}" + (f" (slope {sl[0]:.2f})" if sl else ""), pts))
                mem_series.append((f"{what}, {cxx}", ok_points(what, cxx, "mib")))
                colors.append(i)

    def chart(name, data, title, ylabel, alt):
        path = os.path.join(os.path.dirname(args.svg), name)
        if svg_loglog(data, title, "depth L / blocks B", ylabel, path,
                      xticks=sorted({p[0] for _, pts in data for p in pts}), colors=colors):
            written.append(path)
            rel = os.path.relpath(path, os.path.dirname(os.path.abspath(args.markdown)))
            w(f"![{alt}]({rel})")
            w("")

    chart("results_compile_cost.svg", series, "Compile time against depth (one TU, -O2; dashed: clang++)",
          "seconds (wall)", "compile seconds against depth")
    chart("results_compile_memory.svg", mem_series, "Peak compiler memory against depth (one TU, -O2; dashed: clang++)",
          "peak MiB", "peak compiler memory against depth")

    def failed(what, cxx):
        return [f"{c['L']} ({c['status'].split(' (')[0]})" for c in rows(what, cxx) if c["status"] != "ok"]
    body = []
    for what, _ in COMPILE_NETS:
        for cxx in ("g++", "clang++"):
            if (what, cxx) in slopes:
                k, la, lb, n = slopes[(what, cxx)]
                body.append([what, cxx, f"{k:.2f}", f"{la} to {lb}", str(n), ", ".join(failed(what, cxx)) or "–"])
                print(f"report.py: {what} {cxx}: log-log slope {k:.2f} ({n} points, {la} to {lb})")
            elif rows(what, cxx):
                body.append([what, cxx, "–", f"fewer than 2 compiled sizes ≥ {SLOPE_FROM}", "–",
                             ", ".join(failed(what, cxx)) or "–"])
    if body:
        w(f"Growth of compile time with depth: the slope of log seconds against log depth, fitted by least "
          f"squares over every size from {SLOPE_FROM} to {SLOPE_TO} that compiled (1 = linear, 2 = quadratic).")
        w("")
        w(table(["TU", "compiler", "log-log slope", "sizes fitted", "points", "not compiled"], body,
                ["l", "l", "r", "l", "r", "l"]))
        w("")

    def mb(c):
        return c["mib"] * 1.048576 if c["mib"] is not None else None
    for what, size, secs, mbs in COMPILE_LIMITS:
        for cxx in ("g++", "clang++"):
            c = [c for c in rows(what, cxx) if c["L"] == size]
            if not c:
                continue
            c = c[0]
            limit = f"≤ {secs} s" + (f" and ≤ {mbs} MB" if mbs else "")
            name = f"{what}{'' if size == '-' else f', {size}'} ({cxx})"
            if c["status"] != "ok" or c["s"] is None:
                ctargets.append((name, limit, c["status"], "not met"))
                continue
            met = c["s"] <= secs and (mbs is None or (mb(c) or 0) <= mbs)
            ctargets.append((name, limit, f"{fmt(c['s'])} s, {fmt(mb(c))} MB", "met" if met else "not met"))
    for what, _ in COMPILE_NETS:
        for cxx in ("g++", "clang++"):
            if not rows(what, cxx):
                continue
            f = failed(what, cxx)
            sl = slopes.get((what, cxx))
            reach = max((p[0] for p in ok_points(what, cxx, "s")), default=0)
            if sl and not f and reach >= SLOPE_TO:
                # The fit over all sizes is dominated by the fixed cost at small depths: show the
                # slope of the last step too (where a superlinear term shows first).
                p = [q for q in ok_points(what, cxx, "s") if SLOPE_FROM <= q[0] <= SLOPE_TO][-2:]
                last = math.log(p[1][1] / p[0][1]) / math.log(p[1][0] / p[0][0])
                ctargets.append((f"{what}: growth from {SLOPE_FROM} to {SLOPE_TO} ({cxx})", f"log-log slope ≤ {SLOPE_LIMIT}",
                                 f"{sl[0]:.2f} (from {p[0][0]} to {p[1][0]}: {last:.2f})",
                                 "met" if sl[0] <= SLOPE_LIMIT else "not met"))
            else:
                got = f"{sl[0]:.2f} from {sl[1]} to {sl[2]}" if sl else "–"
                ctargets.append((f"{what}: growth from {SLOPE_FROM} to {SLOPE_TO} ({cxx})", f"log-log slope ≤ {SLOPE_LIMIT}",
                                 got + (f"; not compiled at {', '.join(f)}" if f else ""), "not met"))
    for cxx in ("g++", "clang++"):
        r = [c for c in rows("repeat_residual", cxx) if c["status"] == "ok"]
        u = [c for c in rows("residual", cxx) if c["L"] == "1" and c["status"] == "ok"]
        if r and u:
            q = r[0]["s"] / u[0]["s"]
            ctargets.append((f"repeat TU against one unrolled block ({cxx})", f"≤ {REPEAT_LIMIT}×",
                             f"{q:.2f}× ({fmt(r[0]['s'])} s / {fmt(u[0]['s'])} s)", "met" if q <= REPEAT_LIMIT else "not met"))


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


# ---- sections of the Markdown ----------------------------------------------------------------------

RUNTIME_SECTIONS = ("runtime-intro", "runtime-summary", "runtime-targets", "runtime-setup", "runtime")
COMPILE_SECTIONS = ("compile-targets", "compile")
TARGETS_HEAD = ["| target | threshold | measured | verdict |", "| --- | --- | ---: | --- |"]


def marked(name, lines):
    """`lines` between the markers of section `name` (nothing when there are no lines)."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if not lines:
        return []
    return [f"<!-- report.py: begin {name} -->", ""] + lines + ["", f"<!-- report.py: end {name} -->", ""]


def hand_written_tail(path):
    """What follows the last generated section of the existing report: sections written by hand
    (measurements of single changes, with their commands), kept as they are."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return []
    ends = list(re.finditer(r"^<!-- report\.py: end [\w-]+ -->$", text, re.M))
    if not ends:
        return []
    tail = text[ends[-1].end():].strip("\n")
    return tail.splitlines() + [""] if tail else []


def old_section(text, name):
    """Section `name` of a report written before (its marked lines), or None when it has none. A
    report without markers (written before they existed) is cut at its headings."""
    m = re.search(rf"^<!-- report\.py: begin {re.escape(name)} -->\n(.*?)^<!-- report\.py: end {re.escape(name)} -->$",
                  text, re.S | re.M)
    if m:
        return m.group(1).strip("\n").splitlines() or None
    if "<!-- report.py: begin " in text:
        return None
    lines = text.splitlines()

    def cut(start, stop=lambda l: l.startswith("## ")):
        i = next((k for k, l in enumerate(lines) if start(l)), None)
        if i is None:
            return None
        j = next((k for k in range(i + 1, len(lines)) if stop(lines[k])), len(lines))
        out = lines[i:j]
        while out and not out[-1].strip():
            out.pop()
        return out or None

    def target_rows(compile_rows):
        t = cut(lambda l: l.startswith("## Targets")) or []
        body = [l for l in t if l.startswith("| ") and not l.startswith("| target |") and not l.startswith("| ---")]
        body = [l for l in body if (l.startswith("| Compile time") or " TU compile cost" in l) == compile_rows]
        return ["### Compile cost" if compile_rows else "### Runtime", ""] + TARGETS_HEAD + body if body else None

    if name == "runtime-intro":
        out = cut(lambda l: l.startswith("# "))
        return [l for l in out[1:]] if out and len(out) > 1 else None
    if name == "runtime-summary":
        return cut(lambda l: l.startswith("## Summary"))
    if name == "runtime-targets":
        return target_rows(False)
    if name == "compile-targets":
        return target_rows(True)
    if name == "runtime-setup":
        setup = cut(lambda l: l.startswith("## Setup")) or []
        k = next((k for k, l in enumerate(setup) if l.startswith("|")), None)
        if k is None:
            return None
        while k < len(setup) and setup[k].startswith("|"):
            k += 1
        rest = setup[k:]
        while rest and not rest[0].strip():
            rest.pop(0)
        return rest or None
    if name == "runtime":
        return cut(lambda l: l.startswith("## sgemm reference"), lambda l: l.startswith("## Compile cost ("))
    if name == "compile":
        return cut(lambda l: l.startswith("## Compile cost ("))
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", default="build-bench/results")
    ap.add_argument("--command", default="bash scripts/bench.sh")
    ap.add_argument("--markdown", default="benchmarks/RESULTS.md")
    ap.add_argument("--svg", default="benchmarks/results_time_per_step.svg")
    ap.add_argument("--keep-runtime", action="store_true",
                    help="copy the runtime sections from the existing --markdown instead of writing them")
    ap.add_argument("--keep-compile", action="store_true",
                    help="copy the compile sections from the existing --markdown instead of writing them")
    args = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rows, contexts = ([], {}) if args.keep_runtime else load_rows(args.results)
    # Each section's lines; w() appends to the current one (part()).
    parts = {n: [] for n in ("title",) + RUNTIME_SECTIONS + ("setup",) + COMPILE_SECTIONS}
    current = ["title"]

    def part(name):
        current[0] = name

    def w(line):
        parts[current[0]].append(line)

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
            for (label, fam, threads), key, _ in IMPLS:
                if r["label"] == label and r["family"] == fam and r["threads"] == threads:
                    seed[(key, tuple(r["args"][k] for k in "NDHO"))] = r

    def ratio(a, b, size):
        ra, rb = seed.get((a, size)), seed.get((b, size))
        return ra["t_us"] / rb["t_us"] if ra and rb else None

    def wall_ratio(a, b, size):
        ra, rb = seed.get((a, size)), seed.get((b, size))
        return ra["real_us"] / rb["real_us"] if ra and rb and rb["real_us"] else None

    ld_start = open(os.path.join(args.results, "loadavg_start.txt")).read().split()[:3] \
        if os.path.exists(os.path.join(args.results, "loadavg_start.txt")) else None
    ld_end = open(os.path.join(args.results, "loadavg_end.txt")).read().split()[:3] \
        if os.path.exists(os.path.join(args.results, "loadavg_end.txt")) else None
    m = machine_info()
    v = versions()
    reps = max((r["reps"] for r in rows), default=0)

    now = datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    w("# tapeless benchmark results")
    w("")
    if not rows:
        w(f"Generated by `benchmarks/report.py` on {now} from "
          "the raw results of one run of `scripts/bench.sh` **without runtime results** (e.g. "
          "`TAPELESS_SKIP_APT=1 TAPELESS_SKIP_BUILD=1 TAPELESS_SKIP_RUN=1 bash scripts/bench.sh`). The machine is "
          "a shared 2-core VM "
          f"(load average {' / '.join(ld_start) if ld_start else '?'} at the start, "
          f"{' / '.join(ld_end) if ld_end else '?'} at the end; 1 / 5 / 15 min), so compile seconds are noisy.")
        w("")
    else:
        w(f"Generated by `benchmarks/report.py` on {now} from the raw results of one run of `scripts/bench.sh`.")
        w("")
        part("runtime-intro")
        w(f"Runtime rows measured on {now}. Every runtime row ran in its own process, on **one thread** "
          "unless it says otherwise (`OPENBLAS_NUM_THREADS=1`, `OMP_NUM_THREADS=1`, `TAPELESS_NUM_THREADS=1`, "
          "`torch::set_num_threads(1)`): rows named `/T:2` ran on 2 threads of tapeless's or libtorch's pool, "
          "and the hand-written rows marked \"2 threads\" with `OPENBLAS_NUM_THREADS=2`. "
          f"{reps} repetitions; each figure is the **median of the repetitions**. To reproduce: "
          "`bash scripts/bench.sh` as root on Debian 12 (it installs its packages; its header lists the knobs); "
          "raw JSON, `/usr/bin/time -v` output and logs stay in `build-bench/results/`.")
        w("")
        w("**Noise.** The machine is a shared 2-core VM: other jobs (compilers) ran during the run "
          f"(load average {' / '.join(ld_start) if ld_start else '?'} at the start, "
          f"{' / '.join(ld_end) if ld_end else '?'} at the end; 1 / 5 / 15 min). Times are **CPU time** of the "
          "benchmark thread, which is less disturbed by other processes than wall time (wall-time medians are "
          "in the JSON files); the `cv` column is the coefficient of variation of the CPU time over the "
          "repetitions. Rows on 2 threads are the exception: their figure is the **wall time** (the benchmark "
          "thread's CPU time misses the other thread's work), which the other jobs on the machine disturb "
          "more. Differences below ~5-10 % are within the noise of this machine.")
        w("")
    part("setup")
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
    part("runtime-setup")
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
    part("runtime")
    if best:
        w("## sgemm reference (single thread)")
        w("")
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
    if seed:
        w("## Seed network: one training step (forward + backward, no update), float")
        w("")
        w("µs / step: median CPU time, or median wall time for the rows on 2 threads. "
          "GFLOP/s counts the step's GEMM work, `4NDH + 6NHO`. \"% best\" is of the best sgemm rate above; "
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
            body.append([desc, fmt(r["t_us"]), f"{100 * r['cv']:.1f} %" if r["cv"] is not None else "–",
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
    if body:
        w("### Ratios of time per step (lower is better for the numerator)")
        w("")
        w(table(["ratio"] + [str(s) for s in SEED_SIZES], body))
        w("")

    # plot
    plot_sizes = [s for s in SEED_SIZES if s[1:] == (784, 50, 1)]
    series = []
    for (_, _, threads), key, desc in IMPLS:
        if threads != 1:
            continue  # the thread-scaling plot below has them
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

    # ---- threads ----
    def best_of(keys, size, field):
        """The row of the fastest of `keys` at `size` by `field` (runs as configured / own kernel choice)."""
        hits = [seed[(k, size)] for k in keys if (k, size) in seed and seed[(k, size)][field]]
        return min(hits, key=lambda r: r[field]) if hits else None

    def speedup(keys1, keys2, size):
        r1, r2 = best_of(keys1, size, "real_us"), best_of(keys2, size, "real_us")
        return r1["real_us"] / r2["real_us"] if r1 and r2 else None

    torch1, torch2 = ("libtorch", "libtorch-auto"), ("libtorch-t2", "libtorch-auto-t2")
    thread_cols = [
        ("tapeless 1 thread", ("tapeless",), "t_us"),
        ("tapeless 2 threads", ("tapeless-t2",), "t_us"),
        ("hand-written, portable GEMM, 1 thread", ("handwritten",), "t_us"),
        ("hand-written, OpenBLAS 1 thread", ("handwritten-cblas",), "t_us"),
        ("hand-written, OpenBLAS 2 threads", ("handwritten-cblas-t2",), "t_us"),
        ("`tapeless::tape`, 1 thread", ("tape",), "t_us"),
        ("libtorch 1 thread", torch1, "t_us"),
        ("libtorch 2 threads", torch2, "t_us"),
    ]
    thread_body = []
    for size in SEED_SIZES:
        cells = []
        for _, keys, field in thread_cols:
            r = best_of(keys, size, field)
            cells.append(fmt(r[field]) if r else "–")
        st, sl = speedup(("tapeless",), ("tapeless-t2",), size), speedup(torch1, torch2, size)
        so = speedup(("handwritten-cblas",), ("handwritten-cblas-t2",), size)
        if any(c != "–" for c in cells[1:2] + cells[4:5] + cells[7:8]):
            thread_body.append([str(size)] + cells + [f"{x:.2f}" if x is not None else "–" for x in (st, so, sl)])
    if thread_body:
        w("## Threads: the seed step on 1 and 2 threads")
        w("")
        w("µs per step: one-thread columns are median CPU time, two-thread columns median **wall** time. "
          "tapeless runs its step on its own pool (`step(tl::threads(2))`, bitwise the same result as one "
          "thread); the hand-written backprop gets its threads from OpenBLAS (`OPENBLAS_NUM_THREADS=2`, its "
          "own loops stay serial); libtorch from `torch::set_num_threads(2)` (the faster of its two OpenBLAS "
          "runs at each thread count). Speedup: wall time on 1 thread / wall time on 2 threads, so above 1 "
          "is faster with 2 (at most 2 on this 2-core machine; other jobs on the machine cut into it).")
        w("")
        w(table(["(N, D, H, O)"] + [c[0] for c in thread_cols] +
                ["speedup tapeless", "speedup hand-written OpenBLAS", "speedup libtorch"], thread_body))
        w("")
        scale_sizes = [s for s in SEED_SIZES if s[0] >= 1000 or s == (256, 784, 256, 10)]
        series = []
        for name, k1, k2 in (("tapeless", ("tapeless",), ("tapeless-t2",)),
                             ("hand-written OpenBLAS", ("handwritten-cblas",), ("handwritten-cblas-t2",)),
                             ("libtorch", torch1, torch2)):
            for size in scale_sizes:
                pts = [(t, r["real_us"]) for t, r in ((1, best_of(k1, size, "real_us")), (2, best_of(k2, size, "real_us")))
                       if r]
                if len(pts) == 2:
                    label = f"N={size[0]}" if size[1:] == (784, 50, 1) else "784-256-10, N=256"
                    series.append((f"{name}, {label}", pts))
        path = os.path.join(os.path.dirname(args.svg), "results_thread_scaling.svg")
        if svg_loglog(series, "Seed step on 1 and 2 threads: wall time per step", "threads",
                      "µs per step (median wall time)", path, xticks=[1, 2]):
            written.append(path)
            rel = os.path.relpath(path, os.path.dirname(os.path.abspath(args.markdown)))
            w(f"![time per step against threads]({rel})")
            w("")
            w(f"`{rel}`: log-log, so perfect scaling halves the time (a slope of -1); dashed lines use "
              "OpenBLAS's threads.")
            w("")

    # ---- fusion ----
    fusion = {}
    for r in rows:
        mm = re.match(r"BM_fusion_(\w+)_(tapeless|tape)$", r["family"])
        if mm:
            size = tuple((k, v) for k, v in r["args"].items() if k != "T")
            fusion[(mm.group(1), size, mm.group(2), r["threads"])] = r
    fusion_body, fusion_targets = [], []
    for model, size in sorted({(k[0], k[1]) for k in fusion}, key=lambda k: (k[0], [-v for _, v in k[1]])):
        tape, one, two = (fusion.get((model, size, i, t)) for i, t in (("tape", 1), ("tapeless", 1), ("tapeless", 2)))
        what = ", ".join(f"{k} = {v}" for k, v in size)
        q1 = tape["t_us"] / one["t_us"] if tape and one else None
        q2 = tape["t_us"] / two["t_us"] if tape and two else None
        fusion_body.append([model, what, fmt(tape["t_us"]) if tape else "–", fmt(one["t_us"]) if one else "–",
                            f"{q1:.2f}" if q1 is not None else "–", fmt(two["t_us"]) if two else "–",
                            f"{q2:.2f}" if q2 is not None else "–",
                            " / ".join(fmt_allocs(r["allocs"]) if r else "–" for r in (tape, one)),
                            " / ".join(fmt(r["rss"]) if r else "–" for r in (tape, one))])
        if q1 is not None:
            tiny = size[0][1] < 100
            need = 1.5 if tiny else 3
            fusion_targets.append((f"Fusion: tape / tapeless, {model} {what}", f"≥ {need} (one thread)",
                                   f"{q1:.2f}", "met" if q1 >= need else "not met"))
    if fusion_body:
        w("## Fusion: tapeless against the tape where a tape cannot follow")
        w("")
        w("`benchmarks/runtime/fusion.cpp`, float, loss and gradients per step. elementwise: a parameter p "
          "(R x C) through `mean(sqrt(softplus(exp(-0.5 * square(tanh(p))) * x + sigmoid(p))))`, gradient wrt "
          "p. layernorm_mlp: `mse(lin(relu(layer_norm(lin(x, w1, b1))), w2, b2), y)` with the layer "
          "normalisation written from `mean_rows`, `square`, `sqrt` and `/`, gradients wrt w1, b1, w2, b2; "
          "layer_norm_op_mlp: the same with `tl::layer_norm` (gain 1, bias 0) on both sides, one op with a "
          "kernel of its own each way in tapeless and one fused node on the tape. "
          "The tape records one node per op and runs one loop per op; tapeless fuses. The program checks "
          "before timing that both give the same loss and gradients (relative 1e-4). µs per step: "
          "one-thread columns median CPU time, the 2-thread column median wall time.")
        w("")
        w(table(["model", "size", "tape µs", "tapeless µs", "tape / tapeless", "tapeless 2 threads µs",
                 "tape / tapeless 2 threads", "allocs/step tape / tapeless", "peak RSS MiB tape / tapeless"],
                fusion_body, ["l", "l", "r", "r", "r", "r", "r", "r", "r"]))
        w("")

    # ---- classic ----
    if any(re.match(r"BM_(linreg|sumprod)_", r["family"]) for r in rows):
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
        for n in ("runtime-setup", "runtime"):
            parts[n] = []

    # ---- compile cost ----
    part("compile")
    ctargets = []
    comp_path = os.path.join(args.results, "compile.tsv")
    comp = []
    if os.path.exists(comp_path) and not args.keep_compile:
        with open(comp_path) as f:
            next(f, None)
            for line in f:
                p = line.rstrip("\n").split("\t")
                if len(p) >= 6:
                    comp.append({"what": p[0], "cxx": p[1], "L": p[2], "s": float(p[3]) if p[3] else None,
                                 "mib": int(p[4]) / 1024 if p[4] else None, "status": p[5]})
    if comp:
        compile_section(comp, w, ctargets, written, args)

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
    # The project's margins over a runtime tape and over libtorch.
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
    # Single thread.
    for s in SEED_SIZES[2:]:
        r = seed.get(("tapeless", s))
        if r and r["gflops"] and best_rate:
            pct = 100 * r["gflops"] / best_rate
            targets.append((f"% of best single-thread sgemm, {s}", "≥ 90 % of the best measured sgemm rate",
                            f"{pct:.0f} %", verdict(pct >= 90)))
    for s in SEED_SIZES:
        if s[0] < 1000:
            continue
        hw = seed.get(("handwritten-cblas", s))
        tls = [seed[(k, s)] for k in ("tapeless", "tapeless-cblas") if (k, s) in seed]
        if hw and tls:
            tl_row = min(tls, key=lambda r: r["t_us"])
            q = hw["t_us"] / tl_row["t_us"]
            targets.append((f"tapeless vs hand-written on OpenBLAS (1 thread), {s}",
                            "hand-written OpenBLAS / tapeless ≥ 1.15 (faster tapeless build)",
                            f"{q:.2f} ({'OpenBLAS' if tl_row['label'] == 'mlp-cblas' else 'portable'} build)",
                            verdict(q >= 1.15)))
    r = seed.get(("tapeless", SEED_SIZES[0]))
    if r:
        st = seed.get(("tapeless-static", SEED_SIZES[0]))
        targets.append((f"tapeless step at {SEED_SIZES[0]} (1 thread)", "≤ 0.25 µs",
                        f"{r['t_us']:.3f} µs" + (f" (static extents {st['t_us']:.3f})" if st else ""),
                        verdict(r["t_us"] <= 0.25)))
    # Two threads.
    for s, need in (((1000, 784, 50, 1), 1.6), ((10000, 784, 50, 1), 1.8), ((256, 784, 256, 10), 1.8)):
        q = speedup(("tapeless",), ("tapeless-t2",), s)
        if q is not None:
            targets.append((f"tapeless 2 threads over 1, {s}", f"speedup ≥ {need} (wall time)", f"{q:.2f}",
                            verdict(q >= need)))
    targets += fusion_targets
    for prob, size, need in (("linreg", 150, 2.5), ("sumprod", 181, 3.2), ("linreg", 10, None), ("sumprod", 11, None)):
        g = classic.get((prob, "gradient", "tapeless", size))
        plain = classic.get((prob, "function", "tapeless", size)) or classic.get((prob, "function", "handwritten", size))
        if g and plain:
            q = g["cpu_us"] / plain["cpu_us"]
            targets.append((f"{prob} {size}: gradient / function (tapeless)", f"≤ {need}" if need else "reported",
                            f"{q:.2f}", verdict(q <= need) if need else "reported"))

    tcols, talign = ["target", "threshold", "measured", "verdict"], ["l", "l", "r", "l"]
    if targets:
        parts["runtime-targets"] = ["### Runtime", "", table(tcols, [list(t) for t in targets], talign)]
    if ctargets:
        parts["compile-targets"] = ["### Compile cost", "", table(tcols, [list(t) for t in ctargets], talign)]
    # Summary table: the seed at every size, main implementations.
    summary = []
    for _, key, desc in IMPLS:
        cells = [fmt(seed[(key, s)]["t_us"]) if (key, s) in seed else "–" for s in SEED_SIZES]
        if any(c != "–" for c in cells):
            summary.append([desc] + cells)
    if summary:
        parts["runtime-summary"] = ["## Summary: µs per seed step (median CPU time; 2 threads: wall time)", "",
                                    table(["implementation"] + [str(s) for s in SEED_SIZES], summary)]

    # Sections this run did not measure come from the report already there.
    try:
        with open(args.markdown) as f:
            old = f.read()
    except OSError:
        old = ""
    kept = []
    for names, fresh in ((RUNTIME_SECTIONS, bool(rows)), (COMPILE_SECTIONS, bool(comp))):
        if fresh:
            continue
        got = {n: old_section(old, n) for n in names}
        if any(got.values()):
            for n in names:
                parts[n] = got[n] or []
            kept.append(names[-1])
    if kept:
        what = " and ".join({"runtime": "runtime", "compile": "compile-cost"}[k] for k in kept)
        parts["title"] += [f"The {what} sections (between `report.py` markers) are kept from the previous "
                               "report: this run did not measure them.", ""]
        if "runtime" in kept and not rows:
            # The "without runtime results" sentence no longer holds.
            parts["title"] = [l.replace(" **without runtime results**", " without runtime results") for l in parts["title"]]
    out = list(parts["title"])
    out += marked("runtime-intro", parts["runtime-intro"]) + marked("runtime-summary", parts["runtime-summary"])
    if any(parts[n] for n in ("runtime-targets", "compile-targets")):
        out += ["## Targets", "",
                "tapeless's performance goals (`docs/architecture.md`, \"What is measured\"), each with the "
                "threshold this report checks. Where a goal is qualitative (compile time near-linear in depth, a "
                "step close to hand-written backprop, a wide margin over a tape), the threshold is this report's "
                "reading of it: `benchmarks/report.py` holds them all, to adjust when a goal changes.", ""]
        out += marked("runtime-targets", parts["runtime-targets"]) + marked("compile-targets", parts["compile-targets"])
    out += parts["setup"] + marked("runtime-setup", parts["runtime-setup"])
    out += marked("runtime", parts["runtime"]) + marked("compile", parts["compile"])
    out += hand_written_tail(args.markdown)
    with open(args.markdown, "w") as f:
        f.write("\n".join(out).rstrip() + "\n")
    print(f"report.py: wrote {', '.join(written)} ({len(rows)} runtime rows, {len(comp)} compile rows"
          + (f"; kept the {' and '.join(kept)} sections of the previous report" if kept else "") + ")")


if __name__ == "__main__":
    main()
