"""Bootstrap: pardo against scipy.stats.bootstrap (vectorized) and plain numpy.

Same data for everyone: 10^4 gamma-distributed points, 10^4 resamples, the mean (quick:
10^3 points, 10^3 resamples). Two intervals: percentile (resampling alone) and BCa (scipy's
default, which adds the n leave-one-out statistics of the jackknife).
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


def _median_seconds(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _pardo_seconds(pardo, path, method, resamples, workers, repeats):
    times = []
    for _ in range(repeats):
        out = subprocess.run(
            [pardo, "bootstrap", path, "--statistic", "mean", "--method", method,
             "--resamples", str(resamples), "--workers", str(workers), "--json", "-q"],
            check=True, capture_output=True, text=True).stdout
        times.append(json.loads(out)["seconds"])
    return statistics.median(times)


def _numpy_percentile(data, resamples, rng, batch=500):
    """The hand-written numpy bootstrap: integers, take, mean, in batches of resamples."""
    n = data.size
    means = np.empty(resamples)
    for k in range(0, resamples, batch):
        b = min(batch, resamples - k)
        means[k:k + b] = data[rng.integers(0, n, (b, n))].mean(axis=1)
    return np.percentile(means, [2.5, 97.5])


def run(pardo: str, quick: bool) -> list[dict]:
    from scipy import stats

    n, resamples, repeats = (1_000, 1_000, 3) if quick else (10_000, 10_000, 3)
    # pardo's runs take a tenth of a second: more of them steady the median on a shared VM.
    pardo_repeats = 3 if quick else 9
    data = np.random.default_rng(1).gamma(2.0, 1.0, n)
    size = f"{n} points, {resamples} resamples, mean"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.csv")
        np.savetxt(path, data, fmt="%.17g", header="x", comments="")
        for method in ("percentile", "bca"):
            workload = f"bootstrap {method}"
            for workers in (1, 2):
                rows.append({"workload": workload, "runtime": f"pardo-{workers}",
                             "seconds": _pardo_seconds(pardo, path, method, resamples, workers,
                                                       pardo_repeats),
                             "repeats": pardo_repeats, "size": size})
            rng = np.random.default_rng(2)
            # scipy's BCa jackknife builds an n x (n - 1) array: batch keeps it bounded.
            rows.append({"workload": workload, "runtime": "scipy",
                         "seconds": _median_seconds(lambda: stats.bootstrap(
                             (data,), np.mean, n_resamples=resamples, vectorized=True,
                             method=method, batch=1000, random_state=rng), repeats),
                         "repeats": repeats, "size": size})
            if method == "percentile":
                rows.append({"workload": workload, "runtime": "numpy",
                             "seconds": _median_seconds(
                                 lambda: _numpy_percentile(data, resamples, rng), repeats),
                             "repeats": repeats, "size": size})
    return rows


if __name__ == "__main__":
    pardo = sys.argv[1] if len(sys.argv) > 1 else "build/bin/pardo"
    quick = "--quick" in sys.argv
    result = run(pardo, quick)
    for row in result:
        print(f"{row['workload']:22} {row['runtime']:8} {row['seconds']:8.4f} s  ({row['size']})")
    for workload in sorted({r["workload"] for r in result}):
        t = {r["runtime"]: r["seconds"] for r in result if r["workload"] == workload}
        line = f"{workload}: efficiency at 2 workers {t['pardo-1'] / (2 * t['pardo-2']):.0%}"
        for peer in ("scipy", "numpy"):
            if peer in t:
                line += f", {peer}/pardo-1 {t[peer] / t['pardo-1']:.1f}x"
        print(line)
