#!/usr/bin/python3
"""Per-task overhead of process pools from Python, at chunksize 1, in one run.

Usage (from the repository root, after `make build`; Debian's /usr/bin/python3 has numpy,
joblib and cloudpickle):

    /usr/bin/python3 bench/python/overhead.py                 # 3 repeats
    /usr/bin/python3 bench/python/overhead.py --repeats 5 --tasks 20000 --build build

Runs a map of N tasks at chunksize 1 on as many workers as this process has CPUs with
pardo.ProcessPoolExecutor, pardo.Pool, concurrent.futures.ProcessPoolExecutor,
multiprocessing.Pool and joblib (loky, batch_size=1), for a no-op task and a task that
computes for 100 µs. Prints the median wall time per task, and for the 100 µs task the
overhead: wall time per task minus 100 µs / workers, the time a perfect pool would take.
The pools are started and warmed before the clock starts; the peers run fewer tasks, as
they cost more each.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path


def noop(x):
    return x


def compute_100us(x):
    end = time.perf_counter() + 100e-6
    while time.perf_counter() < end:
        pass
    return x


def timed(run, tasks, repeats):
    """The median seconds per task of `run(n)` over `repeats` runs of n tasks."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = run(tasks)
        times.append((time.perf_counter() - start) / tasks)
        assert len(out) == tasks
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--tasks", type=int, default=20000, help="tasks per pardo run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.build) / "python"))
    import joblib  # noqa: E402
    import pardo  # noqa: E402 (from the build tree)

    workers = len(os.sched_getaffinity(0))
    peer_tasks = max(args.tasks // 10, 100)
    results = {}
    for fn, label in ((noop, "no-op"), (compute_100us, "100 µs")):
        with pardo.ProcessPoolExecutor(workers) as ex:
            list(ex.map(fn, range(1000)))
            results[("pardo.ProcessPoolExecutor", label)] = timed(
                lambda n: list(ex.map(fn, range(n), chunksize=1)), args.tasks, args.repeats)
        with pardo.Pool(workers) as pool:
            pool.map(fn, range(1000), chunksize=1)
            results[("pardo.Pool", label)] = timed(
                lambda n: pool.map(fn, range(n), chunksize=1), args.tasks, args.repeats)
        with cf.ProcessPoolExecutor(workers) as ex:
            list(ex.map(fn, range(100)))
            results[("concurrent.futures", label)] = timed(
                lambda n: list(ex.map(fn, range(n), chunksize=1)), peer_tasks, args.repeats)
        with multiprocessing.Pool(workers) as pool:
            pool.map(fn, range(100), chunksize=1)
            results[("multiprocessing.Pool", label)] = timed(
                lambda n: pool.map(fn, range(n), chunksize=1), peer_tasks, args.repeats)
        with joblib.parallel_backend("loky", n_jobs=workers):
            run = joblib.Parallel(batch_size=1)
            run(joblib.delayed(fn)(i) for i in range(100))
            results[("joblib (loky)", label)] = timed(
                lambda n: run(joblib.delayed(fn)(i) for i in range(n)), peer_tasks,
                args.repeats)

    print(f"per-task cost at chunksize 1, {workers} workers, median of {args.repeats} "
          f"({args.tasks} tasks for pardo, {peer_tasks} for the others)")
    print(f"{'pool':28} {'no-op µs/task':>14} {'vs pardo':>9} {'100 µs task':>12} "
          f"{'overhead µs':>12} {'vs pardo':>9}")
    base_noop = results[("pardo.ProcessPoolExecutor", "no-op")]
    ideal = 100e-6 / workers
    base_over = results[("pardo.ProcessPoolExecutor", "100 µs")] - ideal
    for name in ("pardo.ProcessPoolExecutor", "pardo.Pool", "concurrent.futures",
                 "multiprocessing.Pool", "joblib (loky)"):
        n, c = results[(name, "no-op")], results[(name, "100 µs")]
        over = c - ideal
        print(f"{name:28} {n * 1e6:14.2f} {n / base_noop:8.1f}× {c * 1e6:12.2f} "
              f"{over * 1e6:12.2f} {over / base_over:8.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
