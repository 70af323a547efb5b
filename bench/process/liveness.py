#!/usr/bin/python3
"""What the retry and liveness machinery costs an undisturbed run on worker processes.

Usage (from the repository root, after `make build` and
`cmake --build --preset release --target bench_process`):

    /usr/bin/python3 bench/process/liveness.py                # 7 rounds, about 2 minutes
    /usr/bin/python3 bench/process/liveness.py --rounds 3 --baseline /path/to/old/pardo

Two measurements, each alternating its variants round by round so that the machine's drift
hits them alike, and printing medians and the ratio on / off:

(a) `pardo pi --samples 4e9 --backend processes --workers 2`: with the stall watch off and
    no retries (`--stall-timeout 0 --retries 0`) against the CLI's defaults (a 10 s stall
    timeout, 2 retries). The run's own "seconds" from --json. With --baseline, also a pardo
    from before the machinery, run with the same flags less those two.
(b) bench_process's per-task overhead (200 000 no-op tasks at chunksize 1): ProcessPool with
    `stall_timeout` 0 against 10 s.

Target: within noise (a ratio within a few percent of 1). The exit status is 0 whatever
the figures (benchmarks are not tests), 2 when a binary is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PI = ["pi", "--samples", "4e9", "--backend", "processes", "--workers", "2", "--json",
      "--quiet"]


def pi_seconds(pardo: str, extra: list[str]) -> float:
    out = subprocess.run([pardo, *PI, *extra], capture_output=True, text=True, check=True)
    return float(json.loads(out.stdout)["run"]["seconds"])


def noop_us(bench: str, stall_timeout: float) -> float:
    out = subprocess.run([bench, "--runtime", "processes", "--workers", "2", "--what", "noop",
                          "--chunksize", "1", "--reps", "3", "--stall-timeout",
                          str(stall_timeout)], capture_output=True, text=True, check=True)
    return float(json.loads(out.stdout.splitlines()[-1])["per_task_us"])


def report(title: str, unit: str, runs: dict[str, list[float]], reference: str) -> None:
    print(f"\n{title} (median of {len(runs[reference])})")
    for name, values in runs.items():
        median = statistics.median(values)
        ratio = median / statistics.median(runs[reference])
        spread = (max(values) - min(values)) / 2 / median * 100
        print(f"  {name:<34} {median:9.3f} {unit}  ±{spread:4.1f}%  {ratio:5.3f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    build = REPO_ROOT / "build" / "bin"
    parser.add_argument("--pardo", default=str(build / "pardo"))
    parser.add_argument("--bench", default=str(build / "bench_process"))
    parser.add_argument("--baseline", help="a pardo from before --retries/--stall-timeout")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    for path in (args.pardo, args.bench, args.baseline):
        if path and not os.access(path, os.X_OK):
            print(f"liveness.py: {path} is missing: build it first", file=sys.stderr)
            return 2
    pi: dict[str, list[float]] = {"off (--stall-timeout 0 --retries 0)": [],
                                  "on (defaults: 10 s, 2 retries)": []}
    if args.baseline:
        pi["baseline (before the machinery)"] = []
    noop: dict[str, list[float]] = {"stall_timeout 0": [], "stall_timeout 10 s": []}
    for _ in range(args.rounds):
        pi["off (--stall-timeout 0 --retries 0)"].append(
            pi_seconds(args.pardo, ["--stall-timeout", "0", "--retries", "0"]))
        pi["on (defaults: 10 s, 2 retries)"].append(pi_seconds(args.pardo, []))
        if args.baseline:
            pi["baseline (before the machinery)"].append(pi_seconds(args.baseline, []))
        noop["stall_timeout 0"].append(noop_us(args.bench, 0))
        noop["stall_timeout 10 s"].append(noop_us(args.bench, 10))
    report("(a) pardo pi --samples 4e9 on 2 worker processes", "s ", pi,
           "off (--stall-timeout 0 --retries 0)")
    report("(b) ProcessPool, no-op tasks at chunksize 1, 2 workers", "µs", noop,
           "stall_timeout 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
