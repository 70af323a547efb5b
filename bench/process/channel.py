#!/usr/bin/python3
"""Transfers per second through a bounded queue: across threads and across processes.

Usage (from the repository root, after `make build`):

    /usr/bin/python3 bench/process/channel.py                # 10^6 values, 3 reps
    /usr/bin/python3 bench/process/channel.py --values 200000 --reps 1

One producer and one consumer, a queue of --capacity slots, values of 8 bytes (a number)
and of 64 bytes (a string), four ways:
- pardo threads: pardo::Channel between two threads (build/bin/bench_channel --mode threads);
- pardo processes: pardo::ProcessChannel, the producer a task on a worker process, the
  consumer a thread of the parent (--mode processes);
- Python threads: queue.Queue between two threads;
- Python processes: multiprocessing.Queue, the producer a multiprocessing.Process.
Each reports the median over --reps runs of values per second, from the first push to the
last pop (processes already started). Python moves --python-values values (it is slower).
The exit status is 0 whatever the figures (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def value(i: int, payload: int):
    return i if payload == 8 else chr(ord("a") + i % 26) * payload


def produce(q, count: int, payload: int, go) -> None:
    go.wait()
    for i in range(count):
        q.put(value(i, payload))
    q.put(None)


def python_threads(count: int, payload: int, capacity: int) -> float:
    q: queue.Queue = queue.Queue(maxsize=capacity)
    go = threading.Event()
    t = threading.Thread(target=produce, args=(q, count, payload, go))
    t.start()
    start = time.perf_counter()
    go.set()
    while q.get() is not None:
        pass
    seconds = time.perf_counter() - start
    t.join()
    return count / seconds


def python_processes(count: int, payload: int, capacity: int) -> float:
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue(maxsize=capacity)
    go = ctx.Event()
    p = ctx.Process(target=produce, args=(q, count, payload, go))
    p.start()
    time.sleep(0.2)  # started
    start = time.perf_counter()
    go.set()
    while q.get() is not None:
        pass
    seconds = time.perf_counter() - start
    p.join()
    return count / seconds


def pardo(bench: str, mode: str, count: int, payload: int, capacity: int) -> float:
    out = subprocess.run([bench, "--mode", mode, "--values", str(count), "--payload",
                          str(payload), "--capacity", str(capacity)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["per_second"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default=str(REPO_ROOT / "build" / "bin" / "bench_channel"))
    parser.add_argument("--values", type=int, default=1_000_000)
    parser.add_argument("--python-values", type=int, default=200_000)
    parser.add_argument("--capacity", type=int, default=1024)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    if not os.access(args.bench, os.X_OK):
        sys.exit(f"channel.py: {args.bench} is missing: build with -DPARDO_BUILD_BENCHMARKS=ON")
    ways = [
        ("pardo threads", lambda n, b: pardo(args.bench, "threads", n, b, args.capacity), False),
        ("pardo processes", lambda n, b: pardo(args.bench, "processes", n, b, args.capacity),
         False),
        ("Python threads (queue.Queue)",
         lambda n, b: python_threads(n, b, args.capacity), True),
        ("Python processes (multiprocessing.Queue)",
         lambda n, b: python_processes(n, b, args.capacity), True),
    ]
    print(f"values per second, median of {args.reps}; {os.cpu_count()} CPUs, capacity "
          f"{args.capacity}, pardo {args.values} values, Python {args.python_values}")
    print("| way | 8-byte numbers | 64-byte strings |")
    print("|---|---:|---:|")
    for name, run, python in ways:
        n = args.python_values if python else args.values
        cells = [statistics.median(run(n, payload) for _ in range(args.reps))
                 for payload in (8, 64)]
        print(f"| {name} | {cells[0]:,.0f} | {cells[1]:,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
