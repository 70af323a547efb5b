#!/usr/bin/env python3
"""Monte Carlo pi once per runtime: one table of samples per ns per core, and ratios.

Usage (from the repository root; the C++ peers and the pardo CLI come from the release
build: `cmake --preset release && cmake --build build -j2 --target pi_omp pi_tbb pardo_cli`,
plus pi_omp_native and pi_tbb_native for the -march=native rows):

    /usr/bin/python3 bench/pi/run.py                    # 3 repetitions, about 2-3 minutes
    /usr/bin/python3 bench/pi/run.py --quick --reps 1   # smoke run, well under a minute
    /usr/bin/python3 bench/pi/run.py --markdown --json-out /tmp/pi.json --plot /tmp/pi.png
    /usr/bin/python3 bench/pi/run.py --only pardo_simd --samples pardo_simd=10000000000
    /usr/bin/python3 bench/pi/run.py --from-json /tmp/pi.json --plot /tmp/pi.png

Runtimes: the textbook Python versions (bench/pi/python: a random.uniform loop,
numpy, numba @njit, numba parallel=True, multiprocessing.Pool), the C++ peers (bench/pi/omp:
OpenMP + std::mt19937_64; bench/pi/tbb: oneTBB + Random123 Philox4x32; each also built with
-march=native), and `pardo pi --method naive|batched|simd`. Each prints one JSON line with
the wall time of the estimation alone (no interpreter start-up, JIT compile or pool start).

Sizes: a runtime's sample count is calibrated on this machine so that one run at 1 worker
takes about --target-seconds (1.5 s; 0.3 s with --quick), rounded to 1, 2 or 5 times a power
of ten, and the same count is used at 2 workers (--samples NAME=S fixes it instead). Every
(runtime, workers) pair runs --reps times, the repetitions interleaved in random order so a
slow phase of a shared machine is spread over all runtimes; the figure kept is the median.
Rates are samples per ns, and per ns per core (over the worker count); "vs njit" is a
row's per-core rate over numba @njit's. Parallel efficiency is rate(2) / (2 x rate(1)).

If `build/bin/pardo pi` is missing or fails, the pardo rows read "not available" and the
rest runs as usual. The exit status is 0 whatever the figures: benchmarks are not tests.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PY_DIR = Path(__file__).resolve().parent / "python"
SEED = 42
REFERENCE = "numba_njit"

# pardo's targets: simd >= 1 sample/ns/core and >= 10x numba @njit per core;
# parallel efficiency >= 95% at 2 workers (for 10^10 samples); the same estimate, bit for
# bit, at 1, 2 and 8 workers.
TARGET_SIMD_RATE = 1.0
TARGET_SIMD_VS_NJIT = 10.0
TARGET_EFFICIENCY = 0.95
REPRO_WORKERS = (1, 2, 8)


@dataclass
class Runtime:
    name: str
    label: str  # for the plot
    family: str  # python, cpp or pardo
    workers: tuple[int, ...]
    probe: int  # first calibration size
    argv: object  # (samples, workers) -> list[str]
    unavailable: str | None = None
    samples: int | None = None


@dataclass
class Result:
    runtime: str
    workers: int
    samples: int
    seconds: list[float] = field(default_factory=list)
    estimates: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def rate(self) -> float | None:
        """Samples per ns."""
        m = self.median
        return self.samples / m / 1e9 if m else None

    @property
    def rate_per_core(self) -> float | None:
        r = self.rate
        return r / self.workers if r is not None else None

    @property
    def spread(self) -> float | None:
        m = self.median
        if len(self.seconds) < 2 or not m:
            return None
        return (max(self.seconds) - min(self.seconds)) / 2 / m


def make_runtimes(python: str, bindir: Path) -> list[Runtime]:
    def py(script: str, *extra: str):
        return lambda s, w: [python, str(PY_DIR / script), "--samples", str(s), "--workers",
                             str(w), "--seed", str(SEED), *extra]

    def cpp(binary: str):
        return lambda s, w: [str(bindir / binary), "--samples", str(s), "--workers", str(w),
                             "--seed", str(SEED)]

    def pardo(method: str):
        return lambda s, w: [str(bindir / "pardo"), "pi", "--samples", str(s), "--workers",
                             str(w), "--method", method, "--seed", str(SEED), "--json",
                             "--quiet"]

    both = (1, 2)
    return [
        Runtime("python_pure", "Python loop, random.uniform", "python", (1,), 100_000,
                py("pi_pure.py")),
        Runtime("python_numpy", "numpy, chunked arrays", "python", (1,), 2_000_000,
                py("pi_numpy.py")),
        Runtime("numba_njit", "numba @njit", "python", (1,), 10_000_000,
                py("pi_numba.py", "--mode", "njit")),
        Runtime("numba_parallel", "numba parallel=True, prange", "python", both, 10_000_000,
                py("pi_numba.py", "--mode", "parallel")),
        Runtime("python_multiprocessing", "multiprocessing.Pool, loop", "python", both,
                100_000, py("pi_multiprocessing.py")),
        Runtime("omp_mt19937_64", "OpenMP + std::mt19937_64", "cpp", both, 5_000_000,
                cpp("pi_omp")),
        Runtime("omp_mt19937_64_native", "OpenMP + std::mt19937_64, -march=native", "cpp",
                both, 10_000_000, cpp("pi_omp_native")),
        Runtime("tbb_philox", "oneTBB + Random123 Philox", "cpp", both, 10_000_000,
                cpp("pi_tbb")),
        Runtime("tbb_philox_native", "oneTBB + Random123 Philox, -march=native", "cpp", both,
                20_000_000, cpp("pi_tbb_native")),
        Runtime("pardo_naive", "pardo naive", "pardo", both, 5_000_000, pardo("naive")),
        Runtime("pardo_batched", "pardo batched", "pardo", both, 20_000_000,
                pardo("batched")),
        Runtime("pardo_simd", "pardo simd", "pardo", both, 100_000_000, pardo("simd")),
    ]


class RunError(Exception):
    pass


def parse_json_output(stdout: str) -> dict:
    """The whole output as one JSON object, else the last line that parses as one; pardo's
    "run" object (seconds, workers) is read as top-level keys, as the peers print them."""
    text = stdout.strip()
    try:
        obj = json.loads(text)
        if isinstance(obj, dict):
            return {**obj.get("run", {}), **obj}
    except ValueError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line)
                if isinstance(obj, dict):
                    return {**obj.get("run", {}), **obj}
            except ValueError:
                continue
    raise RunError("no JSON object in its output")


def run_once(rt: Runtime, samples: int, workers: int, timeout: float,
             verbose: bool) -> tuple[float, float]:
    cmd = rt.argv(samples, workers)
    if verbose:
        print("  $ " + " ".join(cmd), file=sys.stderr, flush=True)
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=REPO_ROOT, timeout=timeout)
    except FileNotFoundError:
        raise RunError(f"{cmd[0]} not found") from None
    except subprocess.TimeoutExpired:
        raise RunError(f"timed out after {timeout:.0f} s") from None
    if proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or [""])[-1][:160]
        raise RunError(f"exit status {proc.returncode}" + (f": {err}" if err else ""))
    obj = parse_json_output(proc.stdout)
    try:
        seconds = float(obj["seconds"])
        estimate = float(obj["estimate"])
    except (KeyError, TypeError, ValueError):
        raise RunError("its JSON lacks seconds or estimate") from None
    if int(obj.get("samples", samples)) != samples:
        raise RunError(f"asked for {samples} samples, it reports {obj.get('samples')}")
    if int(obj.get("workers", workers)) != workers:
        raise RunError(f"asked for {workers} workers, it reports {obj.get('workers')}")
    if not seconds > 0:
        raise RunError(f"non-positive time {seconds}")
    return seconds, estimate


def nice_count(x: float) -> int:
    """Rounds down to 1, 2 or 5 times a power of ten (at least 1000)."""
    x = max(x, 1000.0)
    p = 10 ** math.floor(math.log10(x))
    for m in (5, 2, 1):
        if m * p <= x:
            return int(m * p)
    return int(p)


def calibrate(rt: Runtime, target: float, timeout: float, verbose: bool) -> int:
    """A sample count that takes about `target` seconds at 1 worker on this machine."""
    samples = rt.probe
    for _ in range(6):
        seconds, _ = run_once(rt, samples, 1, timeout, verbose)
        if seconds >= min(0.1, target / 3) or samples >= 10**12:
            break
        samples *= int(min(100, max(2, math.ceil(0.2 / seconds))))
    return nice_count(samples / seconds * target)


def fmt_count(n: int) -> str:
    k = int(math.log10(n)) if n > 0 else 0
    m = n / 10**k
    if n >= 10_000 and m == int(m):
        return f"{int(m)}e{k}"
    return f"{n:,}"


def fmt(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}g}"


def machine_info(python: str) -> dict:
    info = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "platform": platform.platform(),
            "cpus": os.cpu_count(), "python": python}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                info["avx512f"] = " avx512f " in f" {line} "
                break
    except OSError:
        pass
    try:
        out = subprocess.run([python, "-c", "import sys, numpy, numba; print(sys.version.split()"
                              "[0], numpy.__version__, numba.__version__)"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             timeout=60).stdout.split()
        info.update(dict(zip(("python_version", "numpy", "numba"), out)))
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


# --------------------------------------------------------------------------------------
# Reporting


def by_key(results: list[Result]) -> dict[tuple[str, int], Result]:
    return {(r.runtime, r.workers): r for r in results}


def reference_rate(results: list[Result]) -> float | None:
    ref = by_key(results).get((REFERENCE, 1))
    return ref.rate_per_core if ref else None


def table(headers: list[str], rows: list[list[str]], markdown: bool, left: int = 1) -> str:
    if markdown:
        out = ["| " + " | ".join(headers) + " |",
               "|" + "|".join(["---"] * left + ["---:"] * (len(headers) - left)) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(out)
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) if rows else len(headers[i])
              for i in range(len(headers))]

    def line(cells):
        return "  ".join(c.ljust(w) if i < left else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths])] +
                     [line(r) for r in rows])


def efficiencies(runtimes: list[Runtime], results: list[Result]):
    keyed = by_key(results)
    out = []
    for rt in runtimes:
        if 2 not in rt.workers:
            continue
        one, two = keyed.get((rt.name, 1)), keyed.get((rt.name, 2))
        if rt.unavailable or not one or not two or not one.rate or not two.rate:
            out.append((rt, one, two, None, None))
            continue
        same = (one.samples == two.samples and bool(one.estimates) and bool(two.estimates)
                and len(set(one.estimates + two.estimates)) == 1)
        out.append((rt, one, two, two.rate / (2 * one.rate), same))
    return out


def render(runtimes, results, repro, info, markdown: bool) -> str:
    keyed = by_key(results)
    ref = reference_rate(results)
    out = []
    reps = max((len(r.seconds) for r in results), default=0)
    lead = (f"{info.get('cpu', '?')}, {info.get('cpus', '?')} CPUs"
            f"{', AVX-512' if info.get('avx512f') else ''}; {info.get('platform', '')}; "
            f"python {info.get('python_version', '?')}, numpy {info.get('numpy', '?')}, "
            f"numba {info.get('numba', '?')}; {info.get('date', '')}; median of {reps} "
            f"repetitions; load average {fmt(info.get('load_before'), 2)} before, "
            f"{fmt(info.get('load_after'), 2)} after")
    out.append(f"_{lead}_\n" if markdown else lead + "\n")
    headers = ["runtime", "workers", "samples", "median s", "spread", "samples/ns",
               "samples/ns/core", "vs njit/core", "estimate"]
    rows = []
    for rt in runtimes:
        for w in rt.workers:
            r = keyed.get((rt.name, w))
            why = rt.unavailable or (r.error if r else None)
            if why or not r or r.median is None:
                rows.append([rt.name, str(w), "-", "not available", "", "", "", "",
                             why or "not run"])
                continue
            vs = r.rate_per_core / ref if ref else None
            rows.append([rt.name, str(w), fmt_count(r.samples), f"{r.median:.3f}",
                         "-" if r.spread is None else f"±{r.spread * 100:.0f}%",
                         fmt(r.rate), fmt(r.rate_per_core),
                         "-" if vs is None else f"{vs:.3g}x", f"{r.estimates[0]:.6f}"])
    out.append("### Samples per ns\n" if markdown else "Samples per ns")
    out.append(table(headers, rows, markdown))
    out.append("")

    out.append("### Parallel efficiency at 2 workers\n" if markdown
               else "Parallel efficiency at 2 workers: rate(2) / (2 x rate(1))")
    rows = []
    for rt, one, two, eff, same in efficiencies(runtimes, results):
        if eff is None:
            rows.append([rt.name, "-", "-", "not available", "-"])
            continue
        rows.append([rt.name, fmt(one.rate), fmt(two.rate), f"{eff * 100:.0f}%",
                     "yes" if same else "no"])
    out.append(table(["runtime", "samples/ns at 1", "samples/ns at 2", "efficiency",
                      "same estimate at 1 and 2"], rows, markdown))
    out.append("")

    # pardo against its targets.
    bullet = "- " if markdown else "  "
    simd = next((rt for rt in runtimes if rt.name == "pardo_simd"), None)
    out.append("### pardo simd against its targets\n" if markdown
               else "pardo simd against its targets")
    one, two = keyed.get(("pardo_simd", 1)), keyed.get(("pardo_simd", 2))
    if simd is None or simd.unavailable or not one or one.rate is None:
        why = simd.unavailable if simd and simd.unavailable else (one.error if one else None)
        out.append(bullet + "pardo simd: not available" + (f" ({why})" if why else ""))
    else:
        def verdict(ok: bool) -> str:
            return "meets target" if ok else "MISSES target"
        rate = one.rate_per_core
        out.append(bullet + f"{rate:.3g} samples/ns/core at 1 worker (target >= "
                   f"{TARGET_SIMD_RATE:g}): {verdict(rate >= TARGET_SIMD_RATE)}")
        if ref:
            njit = "`@njit`" if markdown else "@njit"
            out.append(bullet + f"{rate / ref:.3g}x numba {njit} per core (target >= "
                       f"{TARGET_SIMD_VS_NJIT:g}x): {verdict(rate / ref >= TARGET_SIMD_VS_NJIT)}")
        if two and two.rate:
            eff = two.rate / (2 * one.rate)
            note = "" if one.samples >= 10**10 else (
                f" [measured at {fmt_count(one.samples)} samples; the target is set for 1e10: "
                f"--samples pardo_simd=10000000000]")
            out.append(bullet + f"parallel efficiency {eff * 100:.1f}% at 2 workers (target >= "
                       f"{TARGET_EFFICIENCY * 100:.0f}%): {verdict(eff >= TARGET_EFFICIENCY)}"
                       + note)
    for name, (samples, estimates) in repro.items():
        if not estimates:
            continue
        shown = ", ".join(f"{w}: {e!r}" for w, e in sorted(estimates.items()))
        same = len(set(estimates.values())) == 1 and set(estimates) >= set(REPRO_WORKERS)
        out.append(bullet + f"{name}, {fmt_count(samples)} samples, estimate by worker count "
                   f"({shown}): " + ("identical, bit for bit" if same else "DIFFERENT"))
    return "\n".join(out)


def plot(runtimes, results, info, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keyed = by_key(results)
    colours = {"python": "#4c72b0", "cpp": "#dd8452", "pardo": "#55a868"}
    labels, values, cols, hatches = [], [], [], []
    missing = []
    for rt in runtimes:
        for w in rt.workers:
            r = keyed.get((rt.name, w))
            if rt.unavailable or not r or r.rate_per_core is None:
                missing.append(f"{rt.name} ({w})")
                continue
            labels.append(f"{rt.label}, {w} worker{'s' if w > 1 else ''}")
            values.append(r.rate_per_core)
            cols.append(colours.get(rt.family, "grey"))
            hatches.append("//" if w > 1 else "")
    if not values:
        print("run.py: nothing to plot", file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(values) + 2.2))
    y = list(range(len(values)))[::-1]
    bars = ax.barh(y, values, color=cols, edgecolor="black", linewidth=0.5)
    for bar, hatch in zip(bars, hatches):
        bar.set_hatch(hatch)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=9)
    ax.set_xscale("log")
    lo, hi = min(values), max(values + [TARGET_SIMD_RATE])
    ax.set_xlim(lo / 3, hi * 8)
    for bar, v in zip(bars, values):
        ax.text(v * 1.08, bar.get_y() + bar.get_height() / 2, f"{v:.3g}", va="center",
                fontsize=8)
    ref = reference_rate(results)
    if ref:
        ax.axvline(ref, color="#4c72b0", linestyle=":", linewidth=1)
        ax.text(ref, len(values) - 0.35, " numba @njit", color="#4c72b0", fontsize=8,
                va="bottom")
    ax.axvline(TARGET_SIMD_RATE, color="#c44e52", linestyle="--", linewidth=1)
    ax.text(TARGET_SIMD_RATE, len(values) - 0.35, " simd target: 1/ns/core", color="#c44e52",
            fontsize=8, va="bottom")
    ax.set_ylim(-0.7, len(values) + 0.3)
    ax.set_xlabel("samples per ns per core (log scale; higher is better)")
    title = "Monte Carlo pi: samples per ns per core"
    reps = max((len(r.seconds) for r in results), default=0)
    sub = (f"{info.get('cpu', '')}, {info.get('cpus', '?')} CPUs; median of {reps} "
           f"repetition{'s' if reps != 1 else ''}\nload average "
           f"{fmt(info.get('load_before'), 2)}; hatched bars: 2 workers")
    if missing:
        sub += "\nnot available: " + ", ".join(missing)
    ax.set_title(title + "\n" + sub, fontsize=10)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=c, label=f) for f, c in
                       (("Python", colours["python"]), ("C++ peers", colours["cpp"]),
                        ("pardo", colours["pardo"]))], loc="lower right", fontsize=8)
    ax.grid(axis="x", which="major", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"run.py: wrote {path}", file=sys.stderr)


# --------------------------------------------------------------------------------------


def check_pardo(bindir: Path, timeout: float) -> str | None:
    """None if `pardo pi` answers a tiny run, else why not."""
    exe = bindir / "pardo"
    if not exe.exists():
        return f"{exe.relative_to(REPO_ROOT) if exe.is_relative_to(REPO_ROOT) else exe} missing"
    cmd = [str(exe), "pi", "--samples", "1000", "--workers", "1", "--method", "simd", "--seed",
           str(SEED), "--json", "--quiet"]
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=timeout, cwd=REPO_ROOT)
    except (OSError, subprocess.SubprocessError) as e:
        return f"`pardo pi` failed: {e}"
    if proc.returncode != 0:
        return f"`pardo pi` exited with status {proc.returncode}"
    try:
        parse_json_output(proc.stdout)
    except RunError:
        return "`pardo pi` printed no JSON object"
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3, help="repetitions per row (3)")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes (about 0.3 s per run at 1 worker) for a smoke run")
    parser.add_argument("--target-seconds", type=float, default=None,
                        help="time of one run at 1 worker the sizes aim at (1.5; --quick 0.3)")
    parser.add_argument("--samples", action="append", default=[], metavar="NAME=S",
                        help="fix a runtime's sample count instead of calibrating it "
                             "(repeatable), e.g. pardo_simd=10000000000")
    parser.add_argument("--only", default=None,
                        help="comma-separated runtimes to run (numba_njit is always run: it "
                             "is the reference)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--json-out", type=Path, default=None, help="save all figures here")
    parser.add_argument("--from-json", type=Path, default=None,
                        help="report on a file saved by --json-out instead of running")
    parser.add_argument("--plot", type=Path, default=None,
                        help="save a bar chart of samples/ns/core (PNG, needs matplotlib)")
    parser.add_argument("--python", default="/usr/bin/python3" if Path(
        "/usr/bin/python3").exists() else sys.executable,
        help="interpreter with numpy and numba (default /usr/bin/python3)")
    parser.add_argument("--build-dir", type=Path, default=REPO_ROOT / "build",
                        help="release build directory holding bin/ (default build)")
    parser.add_argument("-v", "--verbose", action="store_true", help="echo every command")
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error("--reps must be at least 1")

    runtimes = make_runtimes(args.python, args.build_dir / "bin")
    names = {rt.name for rt in runtimes}
    fixed: dict[str, int] = {}
    for item in args.samples:
        name, _, value = item.partition("=")
        if name not in names or not value:
            parser.error(f"--samples {item}: expected NAME=S with NAME one of "
                         + ", ".join(sorted(names)))
        fixed[name] = int(float(value))

    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        info = saved["machine"]
        results = [Result(r["runtime"], r["workers"], r["samples"], r["seconds"],
                          r["estimates"], r.get("error")) for r in saved["results"]]
        done = {r.runtime for r in results}
        for rt in runtimes:
            rt.unavailable = saved.get("unavailable", {}).get(rt.name)
        runtimes = [rt for rt in runtimes if rt.name in done or rt.unavailable]
        repro = {k: (v["samples"], {int(w): e for w, e in v["estimates"].items()})
                 for k, v in saved.get("reproducibility", {}).items()}
        print(render(runtimes, results, repro, info, args.markdown))
        if args.plot:
            plot(runtimes, results, info, args.plot)
        return 0

    if args.only:
        wanted = set(args.only.split(",")) | {REFERENCE}
        unknown = wanted - names
        if unknown:
            parser.error("--only: unknown runtime(s) " + ", ".join(sorted(unknown)))
        runtimes = [rt for rt in runtimes if rt.name in wanted]

    target = args.target_seconds or (0.3 if args.quick else 1.5)
    timeout = max(120.0, 30 * target)
    info = machine_info(args.python)
    info["load_before"] = load_average()
    if (info["load_before"] or 0) > 0.5:
        print(f"run.py: warning: load average {info['load_before']:.2f} before starting; "
              "the machine is busy and the figures will be noisy", file=sys.stderr)

    # Availability: the pardo CLI, the C++ binaries, the interpreter's packages.
    pardo_why = check_pardo(args.build_dir / "bin", timeout=60)
    for rt in runtimes:
        if rt.family == "pardo" and pardo_why:
            rt.unavailable = pardo_why
        elif rt.family == "cpp":
            exe = Path(rt.argv(1, 1)[0])
            if not exe.exists():
                rt.unavailable = (f"{exe.name} not built (cmake --build build -j2 --target "
                                  f"{exe.name})")
    if not shutil.which(args.python) and not Path(args.python).exists():
        for rt in runtimes:
            if rt.family == "python":
                rt.unavailable = f"{args.python} not found"

    # Calibration: one sample count per runtime.
    print(f"run.py: calibrating sizes for about {target:g} s per run at 1 worker",
          file=sys.stderr, flush=True)
    for rt in runtimes:
        if rt.unavailable:
            continue
        try:
            rt.samples = fixed.get(rt.name) or calibrate(rt, target, timeout, args.verbose)
        except RunError as e:
            rt.unavailable = str(e)
            continue
        print(f"  {rt.name}: {fmt_count(rt.samples)} samples", file=sys.stderr, flush=True)

    # Runs, repetitions interleaved in random order.
    results = [Result(rt.name, w, rt.samples) for rt in runtimes if not rt.unavailable
               for w in rt.workers]
    order = random.Random(SEED)
    started = time.monotonic()
    for rep in range(args.reps):
        todo = [r for r in results if r.error is None]
        order.shuffle(todo)
        print(f"run.py: repetition {rep + 1}/{args.reps} ({len(todo)} runs, "
              f"{time.monotonic() - started:.0f} s so far)", file=sys.stderr, flush=True)
        for r in todo:
            rt = next(x for x in runtimes if x.name == r.runtime)
            try:
                seconds, estimate = run_once(rt, r.samples, r.workers, timeout, args.verbose)
            except RunError as e:
                r.error = str(e)
                continue
            r.seconds.append(seconds)
            r.estimates.append(estimate)

    # pardo: the same estimate at 1, 2 and 8 workers, per method.
    keyed = by_key(results)
    repro: dict[str, tuple[int, dict[int, float]]] = {}
    for rt in runtimes:
        if rt.family != "pardo" or rt.unavailable:
            continue
        estimates = {w: keyed[(rt.name, w)].estimates[0] for w in rt.workers
                     if keyed.get((rt.name, w)) and keyed[(rt.name, w)].estimates}
        for w in REPRO_WORKERS:
            if w not in estimates:
                try:
                    estimates[w] = run_once(rt, rt.samples, w, timeout, args.verbose)[1]
                except RunError as e:
                    print(f"run.py: {rt.name} at {w} workers: {e}", file=sys.stderr)
        repro[rt.name] = (rt.samples, estimates)
    info["load_after"] = load_average()
    info["wall_seconds"] = round(time.monotonic() - started, 1)

    print(render(runtimes, results, repro, info, args.markdown))
    if args.json_out:
        args.json_out.write_text(json.dumps({
            "machine": info,
            "unavailable": {rt.name: rt.unavailable for rt in runtimes if rt.unavailable},
            "results": [{"runtime": r.runtime, "workers": r.workers, "samples": r.samples,
                         "seconds": r.seconds, "estimates": r.estimates, "error": r.error,
                         "median_seconds": r.median, "samples_per_ns": r.rate,
                         "samples_per_ns_per_core": r.rate_per_core} for r in results],
            "reproducibility": {k: {"samples": s, "estimates": e}
                                for k, (s, e) in repro.items()},
        }, indent=2) + "\n")
        print(f"run.py: wrote {args.json_out}", file=sys.stderr)
    if args.plot:
        try:
            plot(runtimes, results, info, args.plot)
        except ImportError as e:
            print(f"run.py: no plot ({e})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
