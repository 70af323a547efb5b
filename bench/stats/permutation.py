#!/usr/bin/python3
"""A two-sample permutation test of the difference in means: 10^4 points (two groups of
5000), 10^5 random permutations.

pardo: `pardo permtest data.csv --x x --y y --permutations 1e5 --statistic mean-diff` at 1
and 2 workers, timed by the library ("seconds"). Its built-in mean difference takes the
documented fast path (partial Fisher-Yates shuffles summing the smaller group as it is
drawn); "pardo-1-generic" times the same permutations with the t statistic, which goes
through the generic path (the statistic called on both groups of every permutation).
The peers, in this process on the same data: "scipy" is `scipy.stats.permutation_test`
with a vectorised statistic (its default batch=None would hold all 10^5 x 10^4 indices,
16 GB, at once); "numpy" is the plain implementation, batches of `Generator.permuted` index
rows gathered and averaged. Each peer is timed at two batch sizes and compared at the
faster; the JSON keeps both.
"""

from __future__ import annotations

import os
import sys
import tempfile

import numpy as np
from _timing import fastest_batch, median_of, pardo_reports

N_EACH = 5000


def mean_difference(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def scipy_test(x, y, permutations: int, batch: int):
    from scipy import stats

    return stats.permutation_test((x, y), mean_difference, vectorized=True,
                                  n_resamples=permutations, batch=batch, random_state=1).pvalue


def numpy_test(x, y, permutations: int, batch: int) -> float:
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


def run(pardo: str, quick: bool) -> list[dict]:
    permutations = 10_000 if quick else 100_000
    repeats = 3
    # pardo's runs take about a second: more of them steady the median on a shared VM.
    pardo_rounds = 3 if quick else 7
    size = f"2 x {N_EACH} points, {permutations} permutations, difference in means"
    rng = np.random.default_rng(0)
    x = rng.normal(size=N_EACH)
    y = rng.normal(size=N_EACH) + 0.02
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "data.csv")
        np.savetxt(csv, np.c_[x, y], delimiter=",", header="x,y", comments="", fmt="%.17g")

        def argv(statistic: str):
            return lambda w: [pardo, "permtest", csv, "--x", "x", "--y", "y", "--statistic",
                              statistic, "--permutations", str(permutations), "--seed", "1",
                              "--workers", str(w), "--json", "-q"]

        for workers, runs in pardo_reports(argv("mean-diff"), pardo_rounds).items():
            rows.append({"workload": "permutation", "runtime": f"pardo-{workers}",
                         "seconds": median_of(runs, "seconds"), "repeats": pardo_rounds,
                         "size": size})
        generic = pardo_reports(argv("t"), repeats, workers=(1,))[1]
        rows.append({"workload": "permutation", "runtime": "pardo-1-generic",
                     "seconds": median_of(generic, "seconds"), "repeats": repeats,
                     "size": size + " (t statistic, generic path)"})
    for runtime, test in (("scipy", scipy_test), ("numpy", numpy_test)):
        batch, seconds, by_batch = fastest_batch(lambda b: test(x, y, permutations, b),
                                                 (100, 1000), repeats)
        rows.append({"workload": "permutation", "runtime": runtime, "seconds": seconds,
                     "batch": batch, "by_batch": by_batch, "repeats": repeats, "size": size})
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
