#!/usr/bin/python3
"""One large array read by tasks on worker processes: broadcast once, or sent per task.

Usage (from the repository root, after `make build`):

    /usr/bin/python3 bench/process/broadcast.py                 # 1 GB, 2 workers, 4 tasks, 3 reps
    /usr/bin/python3 bench/process/broadcast.py --mib 256 --reps 1

Three ways to let 2 worker processes read the same --mib MiB array of doubles, each of
--tasks tasks summing its slice:
- pardo broadcast: `pool.broadcast(values)` once, each task a pardo::Shared handle
  (build/bin/bench_broadcast --mode broadcast);
- pardo per task: the array inside every task (--mode per_task), as before broadcast (a
  task frame holds at most 1 GiB: the default 954 MiB, 10^9 bytes, is the most it sends);
- Python shared_memory: multiprocessing.shared_memory.SharedMemory, the array copied in
  with numpy, a multiprocessing.Pool whose tasks attach by name and sum with numpy;
- pardo from Python: `pardo.ProcessPoolExecutor.broadcast(values)` (build/python), each
  task a `pardo.Shared` whose array the worker maps and sums with numpy.
For each it reports the median over --reps runs of the seconds from handing over the data
to the last result (the pool already started, the array already made), and of the peak
proportional set size (PSS, /proc/PID/smaps_rollup) of the whole process tree, sampled
every 5 ms: PSS splits a shared page between the processes mapping it. The exit status is
0 whatever the figures (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory import SAMPLE_S, pss_kib, tree  # noqa: E402  (this folder's PSS sampling)


def run(command: list[str]) -> tuple[float, float, float]:
    """Runs `command`; returns its reported seconds and sum, and its tree's peak PSS (MiB)."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(pss_kib(p) for p in tree(proc.pid)))
        time.sleep(SAMPLE_S)
    out, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"broadcast.py: {' '.join(command)} exited {proc.returncode}: {err.decode()}")
    line = json.loads(out.decode().strip().splitlines()[-1])
    return line["seconds"], line["sum"], peak / 1024


def slice_sum(args: tuple[str, int, int, int]) -> float:
    from multiprocessing import shared_memory

    import numpy as np

    name, n, block, blocks = args
    shm = shared_memory.SharedMemory(name=name)
    try:
        values = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
        return float(values[n * block // blocks:n * (block + 1) // blocks].sum())
    finally:
        del values
        shm.close()


def python_child(mib: int, workers: int, tasks: int) -> int:
    """The Python peer, run as its own process so that its tree is measured alone."""
    import multiprocessing
    from multiprocessing import shared_memory

    import numpy as np

    n = mib * (1 << 20) // 8
    values = 0.5 * (np.arange(n, dtype=np.int64) % 1024).astype(np.float64)
    with multiprocessing.Pool(workers) as pool:
        pool.map(abs, range(workers))  # every worker started
        start = time.perf_counter()
        shm = shared_memory.SharedMemory(create=True, size=values.nbytes)
        try:
            shared = np.ndarray(values.shape, dtype=values.dtype, buffer=shm.buf)
            np.copyto(shared, values)
            total = sum(pool.map(slice_sum, [(shm.name, n, b, tasks) for b in range(tasks)]))
            seconds = time.perf_counter() - start
            del shared
        finally:
            shm.close()
            shm.unlink()
    print(json.dumps({"mode": "python_shared_memory", "seconds": seconds, "sum": total}))
    return 0


def pardo_slice_sum(shared, block: int, blocks: int) -> float:
    values = shared.value
    n = len(values)
    return float(values[n * block // blocks:n * (block + 1) // blocks].sum())


def pardo_python_child(mib: int, workers: int, tasks: int) -> int:
    """pardo's Python module, run as its own process so that its tree is measured alone."""
    import numpy as np

    sys.path.insert(0, str(REPO_ROOT / "build" / "python"))
    import pardo

    n = mib * (1 << 20) // 8
    values = 0.5 * (np.arange(n, dtype=np.int64) % 1024).astype(np.float64)
    with pardo.ProcessPoolExecutor(workers) as pool:
        pool.on_each_worker(abs, 0)  # every worker started
        start = time.perf_counter()
        shared = pool.broadcast(values)
        total = sum(pool.map(pardo_slice_sum, [shared] * tasks, range(tasks),
                             [tasks] * tasks))
        seconds = time.perf_counter() - start
    print(json.dumps({"mode": "pardo_python", "seconds": seconds, "sum": total}))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default=str(REPO_ROOT / "build" / "bin" / "bench_broadcast"))
    parser.add_argument("--mib", type=int, default=954)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tasks", type=int, default=4)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--child", choices=["python", "pardo"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "python":
        return python_child(args.mib, args.workers, args.tasks)
    if args.child == "pardo":
        return pardo_python_child(args.mib, args.workers, args.tasks)
    if not os.access(args.bench, os.X_OK):
        print(f"broadcast.py: {args.bench} is missing: run `make build` first", file=sys.stderr)
        return 2
    common = ["--mib", str(args.mib), "--workers", str(args.workers), "--tasks", str(args.tasks)]
    commands = {
        "pardo broadcast": [args.bench, "--mode", "broadcast", *common],
        "pardo per task": [args.bench, "--mode", "per_task", *common],
        "Python shared_memory": [sys.executable, __file__, "--child", "python", *common],
        "pardo from Python": [sys.executable, __file__, "--child", "pardo", *common],
    }
    print(f"{args.mib} MiB of doubles, {args.workers} worker processes, {args.tasks} tasks, "
          f"median of {args.reps} runs")
    print(f"{'way':<22} {'seconds':>8} {'peak PSS MiB':>13} {'time / broadcast':>17}")
    results = {}
    for name, command in commands.items():
        runs = [run(command) for _ in range(args.reps)]
        sums = {r[1] for r in runs}
        seconds = statistics.median(r[0] for r in runs)
        peak = statistics.median(r[2] for r in runs)
        results[name] = (seconds, peak, sums)
    base = results["pardo broadcast"][0]
    for name, (seconds, peak, sums) in results.items():
        print(f"{name:<22} {seconds:>8.3f} {peak:>13.0f} {seconds / base:>16.2f}x", flush=True)
    if len({s for r in results.values() for s in r[2]}) != 1:
        print("broadcast.py: the ways disagree on the sum", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
