#!/usr/bin/env python3
"""The GPU figures of issue 22, in one run on a machine with an NVIDIA GPU.

    python3 bench/gpu/run.py --pardo build/bin/pardo --curand build/bin/pi_curand --markdown

Rows, each run --reps times, the repetitions interleaved so that a slow phase of the machine
is spread over all of them; the median is kept:
  pi:        `pardo pi --backend cuda` against `pardo pi --backend threads` on every CPU core
             (pardo's own SIMD kernels), cuRAND's Philox with a counting kernel (pi_curand,
             bench/pi/curand), and numba.cuda and CuPy (bench/pi/python/pi_gpu.py) where
             they import;
  integrate: `pardo integrate --backend cuda` against `--backend threads` on every core;
  bootstrap: `pardo bootstrap --backend cuda` (the mean of 10^4 values, 4 resamples a block)
             against `--backend threads` on every core, with the same blocks;
  permtest:  `pardo permtest --backend cuda` (mean-diff, 500 against 500 values, 16
             permutations a block) against `--backend threads` on every core.
Rates are samples (resamples, permutations) per second of the run alone (each program's own clock: pardo's
run.seconds, which includes creating the CUDA context, the peers' timed region, which does
not); each row is compared with its workload's GPU row. Checks, printed as PASS or FAIL: the
GPU's pi gives the CPU's hits and estimate bit for bit, integrate's ball the CPU's estimate,
the bootstrap the CPU's interval and permtest the CPU's counts, at the same seed and blocks;
targets: pardo's GPU pi at least 3e11 samples/s and at least cuRAND's rate. A row whose
program is missing or fails reads "not available"; the exit status is 0 whatever the
figures (benchmarks are not tests), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PI_GPU = REPO / "bench" / "pi" / "python" / "pi_gpu.py"
TARGET_RATE = 3e11


def run_json(command: list[str], timeout: float = 600) -> dict | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"  {command[0]}: {e}", file=sys.stderr)
        return None
    if done.returncode != 0:
        print(f"  {' '.join(command)}: exit {done.returncode}: {done.stderr.strip()[:300]}",
              file=sys.stderr)
        return None
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return None


def seconds_of(j: dict) -> float:
    return j["run"]["seconds"] if "run" in j else j["seconds"]


def units_of(j: dict) -> int:
    for key in ("samples", "resamples", "permutations"):
        if key in j:
            return int(j[key])
    raise KeyError("samples")


def write_data(folder: Path) -> tuple[Path, Path]:
    """10^4 values for the bootstrap, and two groups of 500 for the permutation test."""
    rng = random.Random(22)
    sample = folder / "sample.csv"
    sample.write_text("x\n" + "".join(f"{rng.gauss(0, 1)!r}\n" for _ in range(10_000)))
    groups = folder / "groups.csv"
    groups.write_text("a,b\n" + "".join(f"{rng.gauss(0, 1)!r},{rng.gauss(0.05, 1)!r}\n"
                                        for _ in range(500)))
    return sample, groups


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pardo", default=str(REPO / "build" / "bin" / "pardo"))
    parser.add_argument("--curand", default=str(REPO / "build" / "bin" / "pi_curand"))
    parser.add_argument("--python", default=sys.executable, help="for numba.cuda and CuPy")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--gpu-samples", type=float, default=1e12, help="pi on the GPU")
    parser.add_argument("--cpu-samples", type=float, default=2e11, help="pi on the CPU")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    if args.reps < 1 or args.gpu_samples < 1 or args.cpu_samples < 1 or args.workers < 1:
        parser.error("--reps, --gpu-samples, --cpu-samples and --workers must be positive")
    gpu_n, cpu_n = str(int(args.gpu_samples)), str(int(args.cpu_samples))
    cpu = ["--backend", "threads", "--workers", str(args.workers)]
    integrate = ["integrate", "--function", "gaussian", "--dim", "8", "--json"]
    sample, groups = write_data(Path(tempfile.mkdtemp(prefix="pardo-gpu-bench-")))
    bootstrap = ["bootstrap", str(sample), "--block-size", "4", "--json", "-q"]
    permtest = ["permtest", str(groups), "--block-size", "16", "--json", "-q"]
    rows = {
        "pi, pardo cuda": [args.pardo, "pi", "--samples", gpu_n, "--json", "--backend", "cuda"],
        f"pi, pardo threads x{args.workers}": [args.pardo, "pi", "--samples", cpu_n, "--json",
                                                *cpu],
        "pi, cuRAND Philox": [args.curand, "--samples", gpu_n, "--workers", "1", "--seed", "42"],
        "pi, numba.cuda": [args.python, str(PI_GPU), "--mode", "numba_cuda", "--samples",
                           str(int(args.gpu_samples) // 10)],
        "pi, CuPy Philox": [args.python, str(PI_GPU), "--mode", "cupy", "--samples",
                            str(int(args.gpu_samples) // 10)],
        "integrate gaussian d8, pardo cuda": [args.pardo, *integrate, "--samples", "1e10",
                                              "--backend", "cuda"],
        f"integrate gaussian d8, pardo threads x{args.workers}": [args.pardo, *integrate,
                                                                  "--samples", "1e9", *cpu],
        "bootstrap mean n=1e4, pardo cuda": [args.pardo, *bootstrap, "--resamples", "1e6",
                                             "--backend", "cuda"],
        f"bootstrap mean n=1e4, pardo threads x{args.workers}": [args.pardo, *bootstrap,
                                                                 "--resamples", "1e5", *cpu],
        "permtest mean-diff 500+500, pardo cuda": [args.pardo, *permtest, "--permutations",
                                                   "1e7", "--backend", "cuda"],
        f"permtest mean-diff 500+500, pardo threads x{args.workers}": [
            args.pardo, *permtest, "--permutations", "1e6", *cpu],
    }
    times: dict[str, list[float]] = {name: [] for name in rows}
    samples: dict[str, int] = {}
    order = [name for name in rows for _ in range(args.reps)]
    random.Random(22).shuffle(order)
    for name in order:
        if times[name] is None:
            continue
        j = run_json(rows[name])
        if j is None:
            times[name] = None
            continue
        times[name].append(seconds_of(j))
        samples[name] = units_of(j)

    checks = []
    for what, command in (("pi", ["pi", "--samples", "10000000001", "--block-size", "65537"]),
                          ("integrate ball", ["integrate", "--function", "ball", "--dim", "5",
                                              "--samples", "1000000001"])):
        a = run_json([args.pardo, *command, "--json", *cpu])
        b = run_json([args.pardo, *command, "--json", "--backend", "cuda"])
        same = a is not None and b is not None and a["estimate"] == b["estimate"] and (
            a.get("hits") == b.get("hits"))
        checks.append((f"{what}: the GPU's estimate is the CPU's bit for bit", same))
    for what, command, keys in (
            ("bootstrap", [*bootstrap, "--resamples", "100000"], ("interval", "std_error")),
            ("permtest", [*permtest, "--permutations", "1000000"],
             ("less_or_equal", "greater_or_equal", "estimate"))):
        a = run_json([args.pardo, *command, *cpu])
        b = run_json([args.pardo, *command, "--backend", "cuda"])
        same = a is not None and b is not None and all(a[k] == b[k] for k in keys)
        checks.append((f"{what}: the GPU's {', '.join(keys)} are the CPU's bit for bit", same))

    def rate(name: str) -> float | None:
        return samples[name] / statistics.median(times[name]) if times[name] else None

    gpu_rate, curand_rate = rate("pi, pardo cuda"), rate("pi, cuRAND Philox")
    if gpu_rate is not None:
        checks.append((f"pardo's GPU pi at least {TARGET_RATE:.0e} samples/s",
                       gpu_rate >= TARGET_RATE))
        if curand_rate is not None:
            checks.append(("pardo's GPU pi at least cuRAND's rate", gpu_rate >= curand_rate))

    bar = "|" if args.markdown else " "
    print(f"{bar} row {bar} samples {bar} median s {bar} samples/s {bar} vs pardo cuda {bar}")
    if args.markdown:
        print("|---|---:|---:|---:|---:|")
    for name in rows:
        r = rate(name)
        if r is None:
            print(f"{bar} {name} {bar} not available {bar} {bar} {bar} {bar}")
            continue
        reference = rate(name.split(",")[0] + ", pardo cuda")
        versus = f"{r / reference:.3f}" if reference else ""
        print(f"{bar} {name} {bar} {samples[name]:.3g} {bar} {statistics.median(times[name]):.3f}"
              f" {bar} {r:.3g} {bar} {versus} {bar}")
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
