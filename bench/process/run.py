#!/usr/bin/python3
"""Process pools: pardo's per-task overhead and many-small-tasks pi beside Python's pools.

Usage (from the repository root, with Debian's /usr/bin/python3, which has numpy; the C++
side comes from `cmake --preset release && cmake --build --preset release --target
bench_process`):

    /usr/bin/python3 bench/process/run.py                       # 5 repetitions, a few minutes
    /usr/bin/python3 bench/process/run.py --quick --reps 1      # smoke run
    /usr/bin/python3 bench/process/run.py --workers 2 --reps 3 --json /tmp/process.json

Runtimes, each with --workers workers: pardo::ProcessPool and pardo::ThreadPool
(`<build>/bin/bench_process --runtime processes|threads`), multiprocessing.Pool and
concurrent.futures.ProcessPoolExecutor (python/pool_peers.py, run with this interpreter).
Every program times --reps maps on one warm pool (start-up excluded) and prints one JSON
line per configuration with the median; this driver only collects and compares them.

(a) No-op tasks: µs per task = median seconds / tasks, at chunksize 1, 100 and automatic
(pardo's automatic chunks, Pool.map's default chunksize, ProcessPoolExecutor.map's default
of 1). 200 000 tasks, except 20 000 for the Python pools where a message carries one task
(chunksize 1, and ProcessPoolExecutor's default): they are too slow for more.
(b) Monte Carlo pi at chunksize 1: 10 000 tasks of 10^4 samples, and 10 tasks of 10^7
(10^8 samples in both; --quick: 1 000 x 10^4 and 10 x 10^6).

Targets, printed as PASS/FAIL: pardo processes at chunksize 1 <= 10 µs per task and >= 10x
better than ProcessPoolExecutor; <= 1 µs per task with automatic chunks; its 10 000-task pi
run <= 1.1 x its 10-task run. The exit status is 0 whatever the figures (benchmarks are not
tests), 2 when bench_process or numpy is missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PEERS = Path(__file__).resolve().parent / "python" / "pool_peers.py"
BUILD_HINT = "cmake --preset release && cmake --build --preset release --target bench_process"
TIMEOUT_S = 900

# Runtime name in the JSON rows -> label in the tables.
LABELS = {
    "pardo-processes": "pardo ProcessPool",
    "pardo-threads": "pardo ThreadPool",
    "multiprocessing": "multiprocessing.Pool",
    "futures": "ProcessPoolExecutor",
}
PARDO = "pardo-processes"
PEER_RATIOS = ("futures", "multiprocessing")  # shown as peer / pardo processes
CHUNKSIZES = (1, 100, 0)  # 0 = automatic

TARGET_US_CHUNK1 = 10.0
TARGET_VS_FUTURES = 10.0
TARGET_US_AUTO = 1.0
TARGET_PI_RATIO = 1.1


@dataclass(frozen=True)
class Sizes:
    noop: int  # no-op tasks per map
    noop_one_per_message: int  # the same for Python pools sending one task per message
    pi: tuple[tuple[int, int], tuple[int, int]]  # (tasks, samples): many small, few large


FULL = Sizes(200_000, 20_000, ((10_000, 10**4), (10, 10**7)))
QUICK = Sizes(20_000, 2_000, ((1_000, 10**4), (10, 10**6)))


@dataclass
class Cell:
    """One configuration run: its command, and its JSON row or why there is none."""
    runtime: str
    tasks: int
    argv: list[str]
    row: dict | None = None
    error: str | None = None

    @property
    def per_task_us(self) -> float | None:
        return self.row["per_task_us"] if self.row else None

    @property
    def seconds(self) -> float | None:
        return self.row["seconds_median"] if self.row else None


class RunError(Exception):
    pass


# --------------------------------------------------------------------------------------
# Commands


def command(runtime: str, binary: Path, workers: int, reps: int, what: str, tasks: int,
            extra: list[str]) -> list[str]:
    if runtime.startswith("pardo-"):
        head = [str(binary), "--runtime", runtime.removeprefix("pardo-")]
    else:
        head = [sys.executable, str(PEERS), "--pool", runtime]
    return head + ["--workers", str(workers), "--what", what, "--tasks", str(tasks),
                   *extra, "--reps", str(reps)]


def noop_tasks(runtime: str, chunksize: int, sizes: Sizes) -> int:
    """Fewer tasks for a Python pool whose messages carry one task each (it is slow)."""
    one_per_message = chunksize == 1 or (runtime == "futures" and chunksize == 0)
    if one_per_message and not runtime.startswith("pardo-"):
        return sizes.noop_one_per_message
    return sizes.noop


def plan(binary: Path, workers: int, reps: int, sizes: Sizes):
    """The overhead cells keyed by (runtime, chunksize), the pi cells by (runtime, tasks)."""
    def cell(rt: str, what: str, tasks: int, extra: list[str]) -> Cell:
        return Cell(rt, tasks, command(rt, binary, workers, reps, what, tasks, extra))

    overhead = {(rt, c): cell(rt, "noop", noop_tasks(rt, c, sizes), ["--chunksize", str(c)])
                for rt in LABELS for c in CHUNKSIZES}
    pi = {(rt, t): cell(rt, "pi", t, ["--samples", str(s)])
          for rt in LABELS for t, s in sizes.pi}
    return overhead, pi


def last_json_line(stdout: str) -> dict:
    for line in reversed(stdout.strip().splitlines()):
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            return obj
    raise RunError("no JSON line in its output")


def run(argv: list[str]) -> dict:
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=REPO_ROOT, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise RunError(f"timed out after {TIMEOUT_S} s") from None
    if proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or [""])[-1][:160]
        raise RunError(f"exit status {proc.returncode}" + (f": {err}" if err else ""))
    row = last_json_line(proc.stdout)
    if not all(isinstance(row.get(k), (int, float)) for k in ("seconds_median", "per_task_us")):
        raise RunError("its JSON lacks seconds_median or per_task_us")
    return row


def run_all(cells: list[Cell]) -> None:
    started = time.monotonic()
    for i, cell in enumerate(cells, 1):
        print(f"run.py: [{i}/{len(cells)}, {time.monotonic() - started:.0f} s] $ "
              + " ".join(cell.argv), file=sys.stderr, flush=True)
        try:
            cell.row = run(cell.argv)
        except RunError as e:
            cell.error = str(e)
            print(f"run.py:   failed: {e}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Reporting


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [headers] + rows) for i in range(len(headers))]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def fmt(x: float | None, suffix: str = "") -> str:
    return "-" if x is None else f"{x:.3g}{suffix}"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def count_label(n: int) -> str:
    return f"1e{len(str(n)) - 1}" if n >= 10_000 and str(n).strip("0") == "1" else f"{n:,}"


def pi_label(tasks: int, samples: int) -> str:
    return f"{tasks:,} x {count_label(samples)}"


def overhead_report(overhead: dict) -> str:
    rows = [[LABELS[rt]] + [fmt(overhead[rt, c].per_task_us) if overhead[rt, c].row
                            else "error" for c in CHUNKSIZES] for rt in LABELS]
    rows += [[f"{LABELS[peer]} / {LABELS[PARDO]}"]
             + [fmt(ratio(overhead[peer, c].per_task_us, overhead[PARDO, c].per_task_us), "x")
                for c in CHUNKSIZES] for peer in PEER_RATIOS]
    notes = []
    for rt in LABELS:
        auto = overhead[rt, 0].row.get("chunksize") if overhead[rt, 0].row else None
        notes.append(f"  {LABELS[rt]}: "
                     + " / ".join(count_label(overhead[rt, c].tasks) for c in CHUNKSIZES)
                     + " tasks"
                     + (f"; auto reported as {auto}" if auto is not None else ""))
    return ("No-op tasks: µs per task (median seconds / tasks)\n"
            + table(["runtime", "chunksize 1", "chunksize 100", "auto"], rows)
            + "\nTasks per map (chunksize 1 / 100 / auto):\n" + "\n".join(notes))


def pi_report(pi: dict, sizes: Sizes) -> str:
    (many, many_s), (few, few_s) = sizes.pi
    rows = []
    for rt in LABELS:
        a, b = pi[rt, many], pi[rt, few]
        estimates = sorted({f"{c.row['estimate']:.6f}" for c in (a, b)
                            if c.row and "estimate" in c.row})
        rows.append([LABELS[rt], fmt(a.seconds) if a.row else "error",
                     fmt(b.seconds) if b.row else "error", fmt(ratio(a.seconds, b.seconds)),
                     ", ".join(estimates) or "-"])
    rows += [[f"{LABELS[peer]} / {LABELS[PARDO]}",
              fmt(ratio(pi[peer, many].seconds, pi[PARDO, many].seconds), "x"),
              fmt(ratio(pi[peer, few].seconds, pi[PARDO, few].seconds), "x"), "", ""]
             for peer in PEER_RATIOS]
    return (f"Monte Carlo pi at chunksize 1: median seconds ({count_label(many * many_s)} "
            "samples per run)\n"
            + table(["runtime", pi_label(many, many_s) + " s", pi_label(few, few_s) + " s",
                     f"{many:,}-task / {few}-task", "estimates"], rows))


def verdict(label: str, value: float | None, at_most: bool, limit: float, unit: str,
            cells: tuple[Cell, ...]) -> str:
    """PASS/FAIL of value against `<= limit` (at_most) or `>= limit`; N/A with no value."""
    target = f"{'<=' if at_most else '>='} {limit:g}{unit}"
    if value is None:
        why = "; ".join(dict.fromkeys(f"{LABELS[c.runtime]}: {c.error}"
                                      for c in cells if c.error))
        return f"N/A   {label}: not measured ({why or 'no data'}) (target {target})"
    ok = value <= limit if at_most else value >= limit
    return f"{'PASS' if ok else 'FAIL'}  {label}: {value:.3g}{unit} (target {target})"


def targets_report(overhead: dict, pi: dict, sizes: Sizes) -> str:
    (many, many_s), (few, few_s) = sizes.pi
    c1, auto, futures = overhead[PARDO, 1], overhead[PARDO, 0], overhead["futures", 1]
    many_cell, few_cell = pi[PARDO, many], pi[PARDO, few]
    lines = [
        verdict("pardo processes, chunksize 1", c1.per_task_us, True, TARGET_US_CHUNK1,
                " µs/task", (c1,)),
        verdict("ProcessPoolExecutor / pardo processes, chunksize 1",
                ratio(futures.per_task_us, c1.per_task_us), False, TARGET_VS_FUTURES, "x",
                (c1, futures)),
        verdict("pardo processes, automatic chunks", auto.per_task_us, True, TARGET_US_AUTO,
                " µs/task", (auto,)),
        verdict(f"pardo processes, pi {pi_label(many, many_s)} / {pi_label(few, few_s)}",
                ratio(many_cell.seconds, few_cell.seconds), True, TARGET_PI_RATIO, "x",
                (many_cell, few_cell)),
    ]
    return "Targets\n" + "\n".join(lines)


def machine_info() -> dict:
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "platform": platform.platform(),
            "cpus": os.cpu_count(), "python": sys.executable,
            "python_version": platform.python_version(), "load_before": os.getloadavg()[0]}


# --------------------------------------------------------------------------------------


def parse_args(argv: list[str]):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Run with /usr/bin/python3 (numpy).")
    parser.add_argument("--workers", type=int, default=2, help="workers per pool (2)")
    parser.add_argument("--reps", type=int, default=5,
                        help="timed maps per configuration; the median is kept (5)")
    parser.add_argument("--build", type=Path, default=REPO_ROOT / "build",
                        help="build directory holding bin/bench_process (build)")
    parser.add_argument("--quick", action="store_true",
                        help="10x fewer tasks or samples, for a smoke run")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE",
                        help="save every raw JSON row here")
    args = parser.parse_args(argv)
    if args.workers < 1 or args.reps < 1:
        parser.error("--workers and --reps must be positive")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    binary = args.build / "bin" / "bench_process"
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        print(f"run.py: {binary} not found; build it with\n    {BUILD_HINT}\n"
              "or point --build at the build directory that has it", file=sys.stderr)
        return 2
    if importlib.util.find_spec("numpy") is None:
        print(f"run.py: {sys.executable} has no numpy; run this with /usr/bin/python3",
              file=sys.stderr)
        return 2

    sizes = QUICK if args.quick else FULL
    info = machine_info()
    overhead, pi = plan(binary, args.workers, args.reps, sizes)
    cells = list(overhead.values()) + list(pi.values())
    run_all(cells)
    info["load_after"] = os.getloadavg()[0]

    print(f"{info['platform']}, {info['cpus']} CPUs, python {info['python_version']}; "
          f"{args.workers} workers, median of {args.reps} repetitions; load average "
          f"{info['load_before']:.2f} before, {info['load_after']:.2f} after; {info['date']}")
    print()
    print(overhead_report(overhead))
    print()
    print(pi_report(pi, sizes))
    print()
    print(targets_report(overhead, pi, sizes))
    failed = [c for c in cells if c.error]
    if failed:
        print("\nFailed runs\n" + "\n".join(f"  $ {' '.join(c.argv)}\n    {c.error}"
                                             for c in failed))
    if args.json:
        args.json.write_text(json.dumps({
            "machine": info, "workers": args.workers, "reps": args.reps,
            "rows": [c.row if c.row else {"runtime": c.runtime, "argv": c.argv,
                                          "error": c.error} for c in cells],
        }, indent=2) + "\n")
        print(f"run.py: wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
