#!/usr/bin/python3
"""Hybrid MPI x threads against pure MPI (one rank per core), on the same cores, in one run.

Usage (from the repository root; this script builds nothing: it times the CLI of a Release
build with MPI):

    /usr/bin/python3 bench/mpi/hybrid.py --build build            # about 2 minutes on 2 cores
    /usr/bin/python3 bench/mpi/hybrid.py --build build --quick    # smoke run
    /usr/bin/python3 bench/mpi/hybrid.py --build build --reps 7 --markdown

On C cores (--cores, default: the CPUs this process may use), each workload runs as
  - pure MPI: `mpirun -np C pardo ... --backend mpi --workers 1`, a rank per core;
  - hybrid: `mpirun -np 1 --bind-to none pardo ... --backend mpi --workers C`, one rank whose
    C threads share the node (on a cluster: a rank per node);
  - threads: `pardo ... --backend threads --workers C`, no MPI at all, the floor.
The workloads: pi (blocks that return one count) and bootstrap (each rank receives the data
and returns thousands of statistics per block). Every configuration runs --reps times,
interleaved in random order; the figure is the median of the run's own `run.seconds` (MPI's
start-up excluded), and each layout's answer must be the same bits (checked, printed if not).
The exit status is 0 whatever the figures (benchmarks are not tests), 2 when the build or
mpirun is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from table import print_table  # noqa: E402  (bench/table.py)

REPO_ROOT = Path(__file__).resolve().parents[2]
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_btl_vader_single_copy_mechanism": "none",
           "OMPI_MCA_rmaps_base_oversubscribe": "1"}


def workloads(quick: bool) -> dict[str, list[str]]:
    scale = 10 if quick else 1
    data = REPO_ROOT / "examples" / "data" / "heights.csv"
    return {
        "pi": ["pi", "--samples", str(int(2e10 / scale)), "--seed", "1"],
        "bootstrap": ["bootstrap", str(data), "--resamples", str(int(2e6 / scale)),
                      "--method", "percentile", "--seed", "1"],
    }


def layouts(cores: int) -> dict[str, tuple[list[str], list[str]]]:
    """Layout -> (launcher, backend options)."""
    return {
        "pure MPI": (["mpirun", "-np", str(cores)], ["--backend", "mpi", "--workers", "1"]),
        "hybrid": (["mpirun", "-np", "1", "--bind-to", "none"],
                   ["--backend", "mpi", "--workers", str(cores)]),
        "threads": ([], ["--backend", "threads", "--workers", str(cores)]),
    }


def answer(result: dict) -> str:
    """What must be the same bits on every layout."""
    if "hits" in result:
        return str(result["hits"])
    return json.dumps(result.get("interval"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=REPO_ROOT / "build")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--cores", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    pardo = args.build / "bin" / "pardo"
    if not pardo.exists() or shutil.which("mpirun") is None:
        print(f"hybrid.py: needs {pardo} (built with MPI) and mpirun", file=sys.stderr)
        return 2
    env = dict(os.environ, **MPI_ENV)
    runs = workloads(args.quick)
    plan = [(w, l) for w in runs for l in layouts(args.cores)] * args.reps
    random.Random(11).shuffle(plan)
    seconds: dict[tuple[str, str], list[float]] = {}
    answers: dict[tuple[str, str], set[str]] = {}
    workers: dict[tuple[str, str], int] = {}
    for i, (name, layout) in enumerate(plan, 1):
        print(f"  [{i}/{len(plan)}] {name}, {layout}", file=sys.stderr, flush=True)
        launcher, backend = layouts(args.cores)[layout]
        out = subprocess.run([*launcher, str(pardo), *runs[name], *backend, "--json", "-q"],
                             capture_output=True, text=True, env=env, check=True)
        result = json.loads(out.stdout)
        seconds.setdefault((name, layout), []).append(result["run"]["seconds"])
        answers.setdefault((name, layout), set()).add(answer(result))
        workers[(name, layout)] = result["run"]["workers"]
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"{args.cores} cores, median of {args.reps}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    header = ["workload", "layout", "workers", "median s", "vs pure MPI", "same bits"]
    rows = []
    for name in runs:
        pure = statistics.median(seconds[(name, "pure MPI")])
        reference = answers[(name, "threads")]
        for layout in layouts(args.cores):
            m = statistics.median(seconds[(name, layout)])
            same = "yes" if answers[(name, layout)] == reference else \
                f"NO: {sorted(answers[(name, layout)])}"
            rows.append([name, layout, str(workers[(name, layout)]), f"{m:.3f}",
                         f"{pure / m:.3f}x", same])
    print_table(header, rows, args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
