#!/usr/bin/env python3
"""The Mandelbrot set once per runtime: one table of iterations per ns per core, and ratios.

Usage (from the repository root; the C++ peers and the pardo CLI come from the release
build: `cmake --preset release && cmake --build build -j2 --target mandelbrot_omp
mandelbrot_tbb pardo_cli`):

    /usr/bin/python3 bench/mandelbrot/run.py                   # 3 repetitions, 2-3 minutes
    /usr/bin/python3 bench/mandelbrot/run.py --quick --reps 1  # smoke run, under a minute
    /usr/bin/python3 bench/mandelbrot/run.py --markdown --json-out /tmp/mandelbrot.json
    /usr/bin/python3 bench/mandelbrot/run.py --region=-0.75:-0.74:0.1:0.11  # off-centre
    /usr/bin/python3 bench/mandelbrot/run.py --plot docs/mandelbrot_scaling.png
    /usr/bin/python3 bench/mandelbrot/run.py --from-json /tmp/mandelbrot.json --plot out.png

Runtimes: `pardo mandelbrot` with each schedule (static, round-robin, dynamic, guided,
stealing; rows as tasks, its SIMD kernel), pardo with its scalar kernel (--simd scalar), the
C++ peers (bench/mandelbrot/omp: OpenMP `parallel for` over rows with schedule(static) and
schedule(dynamic); bench/mandelbrot/tbb: oneTBB `parallel_for`), and the Python peers
(bench/mandelbrot/python: numba @njit(parallel=True) with prange, and the vectorised numpy
version, serial, on a quarter of the width and height as it is two orders slower). Each
prints one JSON line with the wall time of the drawing alone.

Image sizes differ (pardo's SIMD rows draw twice the sides, numpy a quarter), so that every
run lasts long enough to time; the work is the iteration total (the sum of the escape
counts), so rates are iterations per ns, and per ns per core (over the worker count). "vs
numba" is a row's per-core rate over numba's at 1 worker. Every peer but numpy takes pardo's
steps in pardo's order, so its iteration total must equal pardo's at the same size ("counts":
same; pardo's scalar row and an untimed pardo run give the totals at the other sizes);
numpy's |z| is a hypot, so its column shows its total's relative difference. Speed-up is time(1) / time(2); efficiency is speed-up / 2, which is 1 when the
two workers were busy equally and the machine gave both a core.

Every (runtime, workers) pair runs --reps times, the repetitions interleaved in random order
so a slow phase of a shared machine is spread over all runtimes; the figure kept is the
median. --plot draws each runtime's speed-up and efficiency against workers with
apps/pardo/plot_scaling.py, the drawing `pardo scale --plot` makes. The exit status is 0
whatever the figures: benchmarks are not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from table import print_table  # noqa: E402  (bench/table.py)

REPO_ROOT = Path(__file__).resolve().parents[2]
PY_DIR = Path(__file__).resolve().parent / "python"
sys.path.insert(0, str(REPO_ROOT / "apps" / "pardo"))
import plot_scaling  # noqa: E402  (pardo scale's drawing)
REFERENCE = "numba_prange"
SCHEDULES = ("static", "round-robin", "dynamic", "guided", "stealing")
# Image sides over --width and --height: pardo's SIMD kernel is ten times the peers' loops, so
# it draws twice the sides (its runs last as long as theirs, well above a shared machine's
# hiccups); numpy, two orders slower, a quarter.
PARDO_SIZE = 2.0
NUMPY_SIZE = 0.25


@dataclass
class Runtime:
    name: str
    family: str  # pardo, cpp or python
    workers: tuple[int, ...]
    argv: object  # (width, height, workers) -> list[str]
    size: float = 1.0  # image sides over --width and --height
    parse: object = None  # stdout -> (iterations, seconds)


@dataclass
class Result:
    runtime: str
    workers: int
    width: int
    height: int
    seconds: list[float] = field(default_factory=list)
    iterations: int | None = None
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def rate_per_core(self) -> float | None:
        """Iterations per ns per core."""
        m = self.median
        if not m or self.iterations is None:
            return None
        return self.iterations / m / 1e9 / self.workers

    @property
    def spread(self) -> float | None:
        m = self.median
        if len(self.seconds) < 2 or not m:
            return None
        return (max(self.seconds) - min(self.seconds)) / 2 / m


def peer_line(stdout: str) -> tuple[int, float]:
    line = json.loads(stdout.strip().splitlines()[-1])
    return int(line["iterations"]), float(line["seconds"])


def pardo_line(stdout: str) -> tuple[int, float]:
    report = json.loads(stdout)
    return int(report["iterations"]), float(report["run"]["seconds"])


def make_runtimes(args) -> list[Runtime]:
    bindir = Path(args.build) / "bin"
    # `--region=X0:...` for CLI11 and argparse, which would read a leading minus as a flag.
    common = ["--max-iter", str(args.max_iter), f"--region={args.region}"]
    cpp_common = ["--max-iter", str(args.max_iter), "--region", args.region]

    def pardo(schedule: str, *extra: str):
        return lambda w, h, n: [str(bindir / "pardo"), "mandelbrot", "--width", str(w),
                                "--height", str(h), *common, "--schedule", schedule,
                                "--workers", str(n), *extra, "--json", "-q"]

    def cpp(binary: str, *extra: str):
        return lambda w, h, n: [str(bindir / binary), "--width", str(w), "--height", str(h),
                                *cpp_common, "--workers", str(n), *extra]

    def py(script: str):
        return lambda w, h, n: [args.python, str(PY_DIR / script), "--width", str(w),
                                "--height", str(h), *common, "--workers", str(n)]

    both = (1, 2)
    runtimes = [Runtime(f"pardo_{s}", "pardo", both, pardo(s), size=PARDO_SIZE,
                        parse=pardo_line) for s in SCHEDULES]
    runtimes.append(Runtime("pardo_dynamic_scalar", "pardo", (1,),
                            pardo("dynamic", "--simd", "scalar"), parse=pardo_line))
    runtimes += [
        Runtime("omp_static", "cpp", both, cpp("mandelbrot_omp", "--schedule", "static")),
        Runtime("omp_dynamic", "cpp", both, cpp("mandelbrot_omp", "--schedule", "dynamic")),
        Runtime("tbb_parallel_for", "cpp", both, cpp("mandelbrot_tbb")),
        Runtime("numba_prange", "python", both, py("mandelbrot_numba.py")),
        Runtime("numpy", "python", (1,), py("mandelbrot_numpy.py"), size=NUMPY_SIZE),
    ]
    for r in runtimes:
        r.parse = r.parse or peer_line
    if args.only:
        runtimes = [r for r in runtimes if r.name in args.only]
    return runtimes


def checksums(runtimes: list[Runtime], results: dict, args) -> dict:
    """pardo's iteration total at each image size a row drew: from pardo's own rows, or from
    an untimed `pardo mandelbrot` at a size only peers drew."""
    totals = {(r.width, r.height): r.iterations for (name, _), r in results.items()
              if name.startswith("pardo_") and r.iterations is not None}
    pardo = next((r for r in runtimes if r.name.startswith("pardo_")), None)
    for r in results.values():
        if pardo is not None and (r.width, r.height) not in totals:
            check = Result(pardo.name, 1, r.width, r.height)
            run_once(pardo, check, args)
            totals[(r.width, r.height)] = check.iterations
    return totals


def run_once(runtime: Runtime, result: Result, args) -> None:
    argv = runtime.argv(result.width, result.height, result.workers)
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=args.timeout,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        result.error = f"{type(e).__name__}: {e}"
        return
    if done.returncode != 0:
        result.error = f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
        return
    try:
        iterations, seconds = runtime.parse(done.stdout)
    except (ValueError, KeyError, IndexError) as e:
        result.error = f"unreadable output ({e}): {done.stdout[-300:]}"
        return
    result.iterations = iterations
    result.seconds.append(seconds)


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next(line.split(":", 1)[1].strip() for line in f
                         if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{model}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}"


def title(saved: dict) -> str:
    return (f"Mandelbrot {saved['width']}x{saved['height']} (pardo 2x the sides), "
            f"{saved['max_iter']} iterations, region {saved['region']}; median of "
            f"{saved['reps']}\n{saved['machine']}, {saved.get('date', '')}")


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def report(results: dict, pardo_totals: dict, args) -> list[dict]:
    """Prints the table (Markdown with --markdown) and returns its rows."""
    reference = results.get((REFERENCE, 1))
    ref_rate = reference.rate_per_core if reference else None
    rows = []
    for (name, workers), r in results.items():
        one = results.get((name, 1))
        speedup = one.median / r.median if (workers == 2 and one and one.median
                                            and r.median) else None
        pardo_total = pardo_totals.get((r.width, r.height))
        if r.iterations is None or pardo_total is None:
            counts = "-"
        elif name == "numpy":
            counts = f"{r.iterations / pardo_total - 1:+.1e}" if pardo_total else "-"
        else:
            counts = "same" if r.iterations == pardo_total else f"differ ({r.iterations})"
        rate = r.rate_per_core
        rows.append({
            "runtime": name, "workers": workers, "width": r.width, "height": r.height,
            "median_s": r.median, "seconds": r.seconds, "spread": r.spread, "iterations": r.iterations,
            "giter_per_s_per_core": rate,
            "vs_numba": rate / ref_rate if rate and ref_rate else None,
            "speedup": speedup, "efficiency": speedup / 2 if speedup else None,
            "counts": counts, "error": r.error,
        })
    header = ["runtime", "workers", "image", "median s", "spread", "Giter/s/core", "vs numba",
              "speed-up", "efficiency", "counts"]
    lines = []
    for row in rows:
        if row["error"] and row["median_s"] is None:
            lines.append([row["runtime"], str(row["workers"]), "-",
                          "failed: " + row["error"][:60]]
                         + [""] * (len(header) - 4))
            continue
        lines.append([row["runtime"], str(row["workers"]), f"{row['width']}x{row['height']}",
                      fmt(row["median_s"], ".3f"),
                      "-" if row["spread"] is None else f"±{row['spread']:.0%}",
                      fmt(row["giter_per_s_per_core"], ".3f"), fmt(row["vs_numba"], ".2f"),
                      fmt(row["speedup"], ".2f"), fmt(row["efficiency"], ".0%"),
                      row["counts"]])
    print_table(header, lines, args.markdown)
    return rows


def verdicts(rows: list[dict]) -> None:
    """pardo's targets: the fastest per core of all, and dynamic within 5% of perfect
    balance at 2 workers."""
    def best(family_prefix: str, workers: int, exclude: str = "") -> tuple[str, float] | None:
        candidates = [(row["runtime"], row["giter_per_s_per_core"]) for row in rows
                      if row["runtime"].startswith(family_prefix) and row["workers"] == workers
                      and row["giter_per_s_per_core"] and row["runtime"] != exclude]
        return max(candidates, key=lambda c: c[1]) if candidates else None

    for workers in (1, 2):
        ours = best("pardo_", workers)
        peers = [row for row in rows if not row["runtime"].startswith("pardo_")
                 and row["workers"] == workers and row["giter_per_s_per_core"]]
        if ours and peers:
            peer = max(peers, key=lambda row: row["giter_per_s_per_core"])
            ratio = ours[1] / peer["giter_per_s_per_core"]
            print(f"at {workers} worker(s): {ours[0]} {ratio:.1f}x the fastest peer "
                  f"({peer['runtime']}) per core: {'met' if ratio >= 1 else 'NOT met'}")
    dynamic = next((row for row in rows if row["runtime"] == "pardo_dynamic"
                    and row["workers"] == 2), None)
    if dynamic and dynamic["efficiency"]:
        print(f"pardo dynamic at 2 workers: efficiency {dynamic['efficiency']:.1%} "
              f"(target 95%; on a shared machine a core lost to a neighbour shows here too)")


def plot(rows: list[dict], title: str, png: str) -> None:
    """Every runtime timed at more than one worker count, as `pardo scale --plot` draws it."""
    series = []
    for name in dict.fromkeys(row["runtime"] for row in rows):
        timed = sorted((row["workers"], row["seconds"]) for row in rows
                       if row["runtime"] == name and row["seconds"])
        if len(timed) > 1:
            series.append(plot_scaling.Series(
                name, [w for w, _ in timed], [statistics.median(t) for _, t in timed],
                [min(t) for _, t in timed], [max(t) for _, t in timed]))
    if not series:
        print("run.py: no runtime was timed at two worker counts: no plot", file=sys.stderr)
        return
    try:
        plot_scaling.draw(series, png, title)
    except (ImportError, OSError) as e:
        print(f"run.py: no plot ({e})", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--max-iter", type=int, default=2000)
    parser.add_argument("--region", default="-2.5:1:-1.25:1.25", help="X0:X1:Y0:Y1")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--quick", action="store_true",
                        help="960x540, 500 iterations: a smoke run")
    parser.add_argument("--only", nargs="*", help="runtimes to run (default: all)")
    parser.add_argument("--build", default=str(REPO_ROOT / "build"))
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--json-out", help="write the rows and the machine here")
    parser.add_argument("--from-json", help="run nothing: plot what --json-out wrote (with --plot)")
    parser.add_argument("--plot", help="draw speed-up and efficiency against workers (PNG)")
    args = parser.parse_args()
    if args.from_json:
        if not args.plot:
            parser.error("--from-json needs --plot")
        with open(args.from_json, encoding="utf-8") as f:
            saved = json.load(f)
        plot(saved["rows"], title(saved), args.plot)
        return
    if args.quick:
        args.width, args.height, args.max_iter = 960, 540, 500
    if min(args.width, args.height, args.max_iter, args.reps) <= 0:
        parser.error("--width, --height, --max-iter and --reps must be positive")

    runtimes = make_runtimes(args)
    results: dict[tuple[str, int], Result] = {}
    plan = []
    for r in runtimes:
        for w in r.workers:
            results[(r.name, w)] = Result(r.name, w, max(1, round(args.width * r.size)),
                                          max(1, round(args.height * r.size)))
            plan += [(r, w)] * args.reps
    random.Random(42).shuffle(plan)
    print(f"# {args.width}x{args.height}, {args.max_iter} iterations, region {args.region}, "
          f"{args.reps} repetition(s) interleaved; {machine()}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    for i, (runtime, workers) in enumerate(plan, 1):
        print(f"  [{i}/{len(plan)}] {runtime.name} at {workers}", file=sys.stderr, flush=True)
        run_once(runtime, results[(runtime.name, workers)], args)
    rows = report(results, checksums(runtimes, results, args), args)
    verdicts(rows)
    saved = {"machine": machine(), "date": time.strftime("%Y-%m-%d", time.gmtime()),
             "width": args.width, "height": args.height, "max_iter": args.max_iter,
             "region": args.region, "reps": args.reps, "rows": rows}
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump(saved, f, indent=1)
    if args.plot:
        plot(rows, title(saved), args.plot)


if __name__ == "__main__":
    main()
