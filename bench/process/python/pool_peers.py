#!/usr/bin/python3
"""Python's process pools as peers of pardo::ProcessPool: per-task overhead and pi tasks.

Run with Debian's /usr/bin/python3 (it has numpy), from the repository root:

    /usr/bin/python3 bench/process/python/pool_peers.py --pool futures --what noop \
        --workers 2 --tasks 20000 --chunksize 1 --reps 3
    /usr/bin/python3 bench/process/python/pool_peers.py --pool multiprocessing --what pi \
        --workers 2 --tasks 10000 --samples 10000 --reps 3

--pool multiprocessing is multiprocessing.Pool, --pool futures is
concurrent.futures.ProcessPoolExecutor, both with --workers processes started with "fork"
(the Linux default of Python 3.11, set explicitly with multiprocessing.get_context("fork")).

--what noop maps a module-level function that returns its argument over range(--tasks) at
--chunksize 1, 100, ... or 0 for the library's default: Pool.map's automatic chunksize
(reported as "auto=K", K as Pool.map computes it) or ProcessPoolExecutor.map's default, 1
(reported as "auto=1").

--what pi maps one task per index k in range(--tasks) at chunksize 1 (what users write):
task k draws --samples points from its own numpy Generator(PCG64(k)), in batches of at most
10^6, counts x*x + y*y <= 1 and returns the count; the counts' sum gives the estimate.

The pool is created and warmed with one map of 4 x --workers no-ops before the clock
(time.perf_counter) starts, so start-up is excluded; the --reps timed maps reuse the pool.
Prints one JSON line: {"runtime", "what", "workers", "tasks", "chunksize", "samples",
"seconds_median", "seconds_all", "per_task_us" (median seconds / tasks, in µs), and for pi
"estimate"}.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np  # imported before the fork, so no worker imports it inside a timed map

BATCH = 1_000_000


def noop(x):
    return x


def count_hits(task: int, samples: int) -> int:
    """Points of `samples` draws from Generator(PCG64(task)) inside the quarter disc."""
    rng = np.random.Generator(np.random.PCG64(task))
    hits = 0
    for first in range(0, samples, BATCH):
        m = min(BATCH, samples - first)
        x = rng.random(m)
        y = rng.random(m)
        hits += int(np.count_nonzero(x * x + y * y <= 1.0))
    return hits


def open_pool(kind: str, workers: int):
    context = multiprocessing.get_context("fork")
    if kind == "multiprocessing":
        return context.Pool(workers)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def pool_map(pool, fn, items, chunksize: int | None) -> list:
    """All results of pool.map; chunksize None leaves the library's default."""
    if chunksize is None:
        return list(pool.map(fn, items))
    return list(pool.map(fn, items, chunksize=chunksize))


def auto_chunksize(kind: str, tasks: int, workers: int) -> int:
    """The chunk size the library picks when none is given (Pool.map's own formula)."""
    if kind == "futures":
        return 1
    chunksize, extra = divmod(tasks, 4 * workers)
    return chunksize + (1 if extra else 0)


def timed(run, reps: int) -> tuple[list[float], object]:
    """Seconds of each of `reps` calls of run(), and the last call's result."""
    seconds = []
    result = None
    for _ in range(reps):
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def measure(args) -> dict:
    chunksize = None if args.chunksize == 0 else args.chunksize
    row = {"runtime": args.pool, "what": args.what, "workers": args.workers,
           "tasks": args.tasks}
    with open_pool(args.pool, args.workers) as pool:
        pool_map(pool, noop, range(4 * args.workers), 1)  # start and warm the workers
        if args.what == "noop":
            seconds, _ = timed(lambda: pool_map(pool, noop, range(args.tasks), chunksize),
                               args.reps)
            shown = (args.chunksize if chunksize else
                     f"auto={auto_chunksize(args.pool, args.tasks, args.workers)}")
            row.update(chunksize=shown, samples=None)
        else:
            task = partial(count_hits, samples=args.samples)
            seconds, hits = timed(lambda: sum(pool_map(pool, task, range(args.tasks), 1)),
                                  args.reps)
            row.update(chunksize=1, samples=args.samples)
    median = statistics.median(seconds)
    row.update(seconds_median=median, seconds_all=seconds,
               per_task_us=median / args.tasks * 1e6)
    if args.what == "pi":
        row["estimate"] = 4.0 * hits / (args.tasks * args.samples)
    return row


def parse_args(argv: list[str]):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", choices=("multiprocessing", "futures"), required=True)
    parser.add_argument("--what", choices=("noop", "pi"), default="noop")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--reps", type=int, default=5, help="timed maps; median kept (5)")
    parser.add_argument("--tasks", type=int, default=20_000, help="tasks per map (20000)")
    parser.add_argument("--chunksize", type=int, default=1,
                        help="noop only: tasks per chunk, 0 = the library's default (1)")
    parser.add_argument("--samples", type=int, default=10_000,
                        help="pi only: points per task (10000)")
    args = parser.parse_args(argv)
    if min(args.workers, args.reps, args.tasks, args.samples) < 1 or args.chunksize < 0:
        parser.error("--workers, --reps, --tasks and --samples must be positive, "
                     "--chunksize non-negative")
    if args.what == "pi" and args.chunksize != 1:
        parser.error("--what pi always runs at chunksize 1")
    return args


def main(argv: list[str]) -> int:
    print(json.dumps(measure(parse_args(argv))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
