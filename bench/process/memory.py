#!/usr/bin/python3
"""Memory of a workload's data set on worker processes beside threads.

Usage (from the repository root, after `make build`):

    /usr/bin/python3 bench/process/memory.py                  # 10^6 rows, 2 workers, 3 reps
    /usr/bin/python3 bench/process/memory.py --rows 200000 --workers 8 --reps 1
    /usr/bin/python3 bench/process/memory.py --pardo /path/to/other/pardo   # another build

For `pardo bootstrap`, `pardo permtest` and `pardo fit` on the same generated data (--rows
values in all; fit: 200 files of rows/200), it runs each command with `--backend threads`
and with `--backend processes`, both with --workers workers, and samples the proportional
set size (PSS, /proc/PID/smaps_rollup) of the command and all its descendants every 5 ms.
PSS splits a shared page between the processes that map it, so the sum over the tree is
the memory the run really holds. It prints the median peak over --reps runs of each and the
ratio processes / threads (the target is at most 2), and the median wall time of each run.
The exit status is 0 whatever the figures (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TARGET_RATIO = 2.0
SAMPLE_S = 0.005


def pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(pid: int) -> list[int]:
    """pid and its descendants, from /proc/PID/task/TID/children."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def peak_mib(command: list[str]) -> tuple[float, float]:
    """Runs `command`; returns the peak of its tree's summed PSS (MiB) and its wall seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(pss_kib(p) for p in tree(proc.pid)))
        time.sleep(SAMPLE_S)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        sys.exit(f"memory.py: {' '.join(command)} exited {proc.returncode}: {err.strip()}")
    return peak / 1024, time.perf_counter() - start


def write_data(folder: Path, rows: int) -> dict[str, list[str]]:
    rng = random.Random(7)
    sample = folder / "sample.csv"
    with open(sample, "w") as f:
        f.write("x\n")
        f.writelines(f"{rng.gauss(0, 1):.17g}\n" for _ in range(rows))
    groups = folder / "groups.csv"
    with open(groups, "w") as f:
        f.write("x,y\n")
        f.writelines(f"{rng.gauss(0.01, 1):.17g},{rng.gauss(0, 1):.17g}\n"
                     for _ in range(rows // 2))
    sites = folder / "sites"
    sites.mkdir()
    per_file = max(rows // 200, 10)
    for i in range(200):
        with open(sites / f"site{i:03d}.csv", "w") as f:
            f.write("y,x1,x2\n")
            for _ in range(per_file // 3):
                x1, x2 = rng.gauss(0, 1), rng.gauss(0, 1)
                f.write(f"{1 + 2 * x1 - x2 + rng.gauss(0, 1):.17g},{x1:.17g},{x2:.17g}\n")
    return {
        "bootstrap": ["bootstrap", str(sample), "--resamples", "400", "--method", "percentile"],
        "permtest": ["permtest", str(groups), "--permutations", "400"],
        "fit": ["fit", str(sites)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pardo", default=str(REPO_ROOT / "build" / "bin" / "pardo"))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    if not os.access(args.pardo, os.X_OK):
        print(f"memory.py: {args.pardo} is missing: run `make build` first", file=sys.stderr)
        return 2
    print(f"pardo {args.pardo}, {args.rows} values, {args.workers} workers, median of "
          f"{args.reps} runs; peak PSS of the whole process tree, MiB")
    print(f"{'command':<10} {'threads':>9} {'processes':>10} {'ratio':>7}  target <= "
          f"{TARGET_RATIO}   seconds: {'threads':>8} {'processes':>9}")
    with tempfile.TemporaryDirectory(prefix="pardo-memory-") as tmp:
        for name, command in write_data(Path(tmp), args.rows).items():
            peaks, seconds = {}, {}
            for backend in ("threads", "processes"):
                full = [args.pardo, *command, "--backend", backend, "--workers",
                        str(args.workers), "--quiet"]
                runs = [peak_mib(full) for _ in range(args.reps)]
                peaks[backend] = statistics.median(r[0] for r in runs)
                seconds[backend] = statistics.median(r[1] for r in runs)
            ratio = peaks["processes"] / peaks["threads"]
            verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
            print(f"{name:<10} {peaks['threads']:>9.1f} {peaks['processes']:>10.1f} "
                  f"{ratio:>6.2f}x  {verdict}           {seconds['threads']:>8.2f} "
                  f"{seconds['processes']:>9.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
