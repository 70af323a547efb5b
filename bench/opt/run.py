#!/usr/bin/python3
"""pardo::opt beside scipy.optimize, NLopt and pyswarms, in one run.

Usage (from the repository root, with Debian's /usr/bin/python3, which has numpy, scipy,
nlopt and pyswarms; this script builds nothing: it runs build/bin/bench_opt of a Release
build configured with -DPARDO_BUILD_BENCHMARKS=ON):

    /usr/bin/python3 bench/opt/run.py --build build                      # 30 seeds, d = 2, 10, 30
    /usr/bin/python3 bench/opt/run.py --build build --seeds 10 --dims 2,10

1. The suite: on sphere, Rosenbrock, Rastrigin, Ackley and Griewank at each dimension, each
   seed, every solver stops at a value within 1e-4 of the minimum or after 2000 x d
   evaluations (--budget-per-dim); local solvers also stop where they converge (scipy's
   defaults) and start from the same point for a seed. It prints, per model and dimension,
   each solver's success rate, median evaluations to success and median wall time (one core;
   scipy-de2 is scipy's workers=2). Pairs: differential evolution (pardo's immediate updating
   against scipy's workers=1, pardo's deferred against scipy's workers=2, NLopt's CRS2), Nelder-Mead (pardo, scipy, NLopt), Powell (pardo, scipy), particle swarm (pardo,
   pyswarms), and pardo's CMA-ES.
2. The framework's cost per evaluation on a cheap objective (the sphere, d = 10, DE of 150 x
   200 generations, one core): pardo against scipy's differential_evolution.
3. Parallel efficiency at 2 workers for an objective costing 1 ms (DE, 40 x 10 generations):
   T(1) / (2 T(2)) on threads and on processes, and scipy's workers=2.
4. Buckshot-Powell, 20 starts, 1 ms objective, 2 workers: processes over threads.
The exit status is 0 whatever the figures, 2 if the binary is missing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = ["sphere", "rosenbrock", "rastrigin", "ackley", "griewank"]
GROUPS = [("DE", ["de", "scipy-de", "de-deferred", "scipy-de2", "nlopt-crs2"]),
          ("Nelder-Mead", ["nelder-mead", "scipy-nelder-mead", "nlopt-neldermead"]),
          ("Powell", ["powell", "scipy-powell"]),
          ("PSO", ["pso", "pyswarms"]),
          ("CMA-ES", ["cmaes"])]


def lines(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def runs(binary, solver, model, dim, seeds, budget):
    if solver.startswith("scipy") or solver == "pyswarms":
        command = [sys.executable, str(HERE / "python" / "peers.py")]
    else:
        command = [str(binary)]
    return lines(command + ["suite", solver, model, str(dim), str(seeds), str(budget)])


def median_of(command, repeats, key="seconds"):
    return statistics.median(lines(command)[0][key] for _ in range(repeats))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--dims", default="2,10,30")
    parser.add_argument("--budget-per-dim", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--groups", default=",".join(g for g, _ in GROUPS),
                        help="the solver groups of the suite, comma-separated")
    parser.add_argument("--suite-only", action="store_true", help="skip parts 2 to 4")
    args = parser.parse_args()
    binary = Path(args.build) / "bin" / "bench_opt"
    if not binary.exists():
        print(f"{binary} is missing: configure with -DPARDO_BUILD_BENCHMARKS=ON", file=sys.stderr)
        return 2
    peers = [sys.executable, str(HERE / "python" / "peers.py")]

    print(f"1. success within 1e-4 of the minimum in 2000 x d evaluations, {args.seeds} seeds: "
          "success rate, median evaluations to success, median seconds per run (one core)")
    below = defaultdict(int)  # pardo's success rate below scipy's: (group) -> count
    for dim in map(int, args.dims.split(",")):
        budget = args.budget_per_dim * dim
        for model in MODELS:
            print(f"  {model} d={dim}")
            for group, solvers in GROUPS:
                if group not in args.groups.split(","):
                    continue
                rates = {}
                for solver in solvers:
                    r = runs(binary, solver, model, dim, args.seeds, budget)
                    wins = [x for x in r if x["to_target"] > 0 or x.get("reached")]
                    rates[solver] = len(wins) / len(r)
                    evaluations = [x["to_target"] for x in wins if x["to_target"] > 0]
                    evals = f"{statistics.median(evaluations):9.0f}" if evaluations else "        -"
                    print(f"    {group:12s} {solver:18s} {100 * rates[solver]:5.0f}% {evals} "
                          f"{statistics.median(x['seconds'] for x in r):10.5f} s")
                # Each pardo solver against the scipy peer listed after it.
                for mine, peer in zip(solvers, solvers[1:]):
                    if peer.startswith("scipy") and not mine.startswith(("scipy", "nlopt")) \
                            and rates[mine] < rates[peer]:
                        below[f"{mine} vs {peer}"] += 1
    print("  models and dimensions where pardo's success rate is below scipy's: "
          + (", ".join(f"{g}: {n}" for g, n in below.items()) or "none"))
    if args.suite_only:
        return 0

    pardo = median_of([str(binary), "overhead", "10", "150", "200"], args.repeats,
                      "seconds_per_evaluation")
    scipy = median_of(peers + ["overhead", "10", "150", "200"], args.repeats,
                      "seconds_per_evaluation")
    print(f"2. cost per evaluation, sphere d=10, DE 150 x 200, one core: pardo "
          f"{pardo * 1e9:.0f} ns, scipy {scipy * 1e9:.0f} ns: {scipy / pardo:.0f}x")

    print(f"3. parallel efficiency at 2 workers, 1 ms objective, DE 40 x 10 (median of "
          f"{args.repeats}):")
    for backend in ("threads", "processes"):
        one = median_of([str(binary), "efficiency", backend, "1", "1"], args.repeats)
        two = median_of([str(binary), "efficiency", backend, "2", "1"], args.repeats)
        print(f"  pardo {backend:9s} T1 {one:.3f} s, T2 {two:.3f} s: {100 * one / (2 * two):.0f}%")
    one = median_of(peers + ["efficiency", "1", "1"], args.repeats)
    two = median_of(peers + ["efficiency", "2", "1"], args.repeats)
    print(f"  scipy workers=2  T1 {one:.3f} s, T2 {two:.3f} s: {100 * one / (2 * two):.0f}%")

    threads = median_of([str(binary), "buckshot", "threads", "2", "1"], args.repeats)
    processes = median_of([str(binary), "buckshot", "processes", "2", "1"], args.repeats)
    print(f"4. Buckshot-Powell, 20 starts, 1 ms objective, 2 workers: threads {threads:.3f} s, "
          f"processes {processes:.3f} s: processes/threads {processes / threads:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
