#!/usr/bin/python3
"""A two-sample permutation test of the difference in means: 10^4 points (two groups of
5000), 10^5 random permutations.

pardo: `pardo permtest data.csv --x x --y y --permutations 1e5 --statistic mean-diff` at 1
and 2 workers, timed by the library ("seconds"). Its built-in mean difference takes the
documented fast path (partial Fisher-Yates shuffles summing the smaller group as it is
drawn); "pardo-1-generic" times the same permutations with the t statistic, which goes
through the generic path (the statistic called on both groups of every permutation).
The peers, in this process on the same data: "scipy" is `scipy.stats.permutation_test`
with a vectorised statistic and `batch=1000` (the default batch=None would hold all
10^5 x 10^4 indices, 16 GB, at once; batching is also faster); "numpy" is the plain
implementation, batches of `Generator.permuted` index rows gathered and averaged.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

N_EACH = 5000


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mean_difference(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def scipy_test(x, y, permutations: int):
    from scipy import stats

    return stats.permutation_test((x, y), mean_difference, vectorized=True,
                                  n_resamples=permutations, batch=1000, random_state=1).pvalue


def numpy_test(x, y, permutations: int, batch: int = 500) -> float:
    rng = np.random.default_rng(1)
    z = np.concatenate([x, y])
    observed = mean_difference(x, y)
    rows = np.tile(np.arange(z.size), (batch, 1))
    extreme = 0
    for start in range(0, permutations, batch):
        b = min(batch, permutations - start)
        values = z[rng.permuted(rows[:b], axis=1)]
        null = values[:, :x.size].mean(axis=1) - values[:, x.size:].mean(axis=1)
        extreme += np.count_nonzero(np.abs(null) >= abs(observed) - 1e-14)
    return (extreme + 1) / (permutations + 1)


def pardo_seconds(pardo: str, csv: str, permutations: int, workers: int, statistic: str,
                  repeats: int) -> float:
    times = []
    for _ in range(repeats):
        result = subprocess.run(
            [pardo, "permtest", csv, "--x", "x", "--y", "y", "--statistic", statistic,
             "--permutations", str(permutations), "--seed", "1", "--workers", str(workers),
             "--json", "-q"],
            check=True, capture_output=True, text=True)
        times.append(json.loads(result.stdout)["seconds"])
    return statistics.median(times)


def run(pardo: str, quick: bool) -> list[dict]:
    permutations = 10_000 if quick else 100_000
    repeats = 3
    # pardo's runs take about a second: more of them steady the median on a shared VM.
    pardo_repeats = 3 if quick else 5
    size = f"2 x {N_EACH} points, {permutations} permutations, difference in means"
    rng = np.random.default_rng(0)
    x = rng.normal(size=N_EACH)
    y = rng.normal(size=N_EACH) + 0.02
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "data.csv")
        np.savetxt(csv, np.c_[x, y], delimiter=",", header="x,y", comments="", fmt="%.17g")
        for workers in (1, 2):
            rows.append({"workload": "permutation", "runtime": f"pardo-{workers}",
                         "seconds": pardo_seconds(pardo, csv, permutations, workers, "mean-diff",
                                                  pardo_repeats),
                         "repeats": pardo_repeats, "size": size})
        rows.append({"workload": "permutation", "runtime": "pardo-1-generic",
                     "seconds": pardo_seconds(pardo, csv, permutations, 1, "t", repeats),
                     "repeats": repeats, "size": size + " (t statistic, generic path)"})
    rows.append({"workload": "permutation", "runtime": "scipy",
                 "seconds": median_seconds(lambda: scipy_test(x, y, permutations), repeats),
                 "repeats": repeats, "size": size})
    rows.append({"workload": "permutation", "runtime": "numpy",
                 "seconds": median_seconds(lambda: numpy_test(x, y, permutations), repeats),
                 "repeats": repeats, "size": size})
    return rows


if __name__ == "__main__":
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/bin/pardo"
    rows = run(binary, quick="--quick" in sys.argv)
    by = {r["runtime"]: r["seconds"] for r in rows}
    for r in rows:
        print(f"{r['runtime']:16s} {r['seconds']:8.3f} s  ({r['size']}, median of {r['repeats']})")
    print(f"scipy / pardo-1:         {by['scipy'] / by['pardo-1']:.1f}x")
    print(f"numpy / pardo-1:         {by['numpy'] / by['pardo-1']:.1f}x")
    print(f"scipy / pardo-1-generic: {by['scipy'] / by['pardo-1-generic']:.1f}x")
    print(f"efficiency at 2 workers: {100 * by['pardo-1'] / (2 * by['pardo-2']):.0f}%")
