"""Bootstrap: pardo against scipy.stats.bootstrap (vectorized) and plain numpy.

Same data for everyone: 10^4 gamma-distributed points, 10^4 resamples, the mean (quick:
10^3 points, 10^3 resamples). Two intervals: percentile (resampling alone) and BCa (scipy's
default, which adds the n leave-one-out statistics of the jackknife).

The peers' speed depends on how many resamples they draw at once (`batch`): scipy's
default (None: all at once, 10^8 indices) is slower than batches of 100, whose arrays stay
in cache. Each peer is timed at several batch sizes and compared at its fastest; the JSON
keeps every batch's figure.
"""

from __future__ import annotations

import os
import sys
import tempfile

import numpy as np
from _timing import fastest_batch, median_of, pardo_reports

SCIPY_BATCHES = (None, 100, 1000)
NUMPY_BATCHES = (100, 500)


def _numpy_percentile(data, resamples, rng, batch):
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
    pardo_rounds = 3 if quick else 15
    data = np.random.default_rng(1).gamma(2.0, 1.0, n)
    size = f"{n} points, {resamples} resamples, mean"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.csv")
        np.savetxt(path, data, fmt="%.17g", header="x", comments="")
        for method in ("percentile", "bca"):
            workload = f"bootstrap {method}"
            reports = pardo_reports(
                lambda w: [pardo, "bootstrap", path, "--statistic", "mean", "--method", method,
                           "--resamples", str(resamples), "--workers", str(w), "--json", "-q"],
                pardo_rounds)
            for workers, runs in reports.items():
                rows.append({"workload": workload, "runtime": f"pardo-{workers}",
                             "seconds": median_of(runs, "seconds"), "repeats": pardo_rounds,
                             "size": size})
            rng = np.random.default_rng(2)
            batch, seconds, by_batch = fastest_batch(
                lambda b: stats.bootstrap((data,), np.mean, n_resamples=resamples,
                                          vectorized=True, method=method, batch=b,
                                          random_state=rng),
                SCIPY_BATCHES, repeats)
            rows.append({"workload": workload, "runtime": "scipy", "seconds": seconds,
                         "batch": batch, "by_batch": by_batch, "repeats": repeats, "size": size})
            if method == "percentile":
                batch, seconds, by_batch = fastest_batch(
                    lambda b: _numpy_percentile(data, resamples, rng, b), NUMPY_BATCHES, repeats)
                rows.append({"workload": workload, "runtime": "numpy", "seconds": seconds,
                             "batch": batch, "by_batch": by_batch, "repeats": repeats,
                             "size": size})
    return rows


if __name__ == "__main__":
    pardo = sys.argv[1] if len(sys.argv) > 1 else "build/bin/pardo"
    quick = "--quick" in sys.argv
    result = run(pardo, quick)
    for row in result:
        batch = f", batch {row['batch']}" if "batch" in row else ""
        print(f"{row['workload']:22} {row['runtime']:8} {row['seconds']:8.4f} s"
              f"  ({row['size']}{batch})")
    for workload in sorted({r["workload"] for r in result}):
        t = {r["runtime"]: r["seconds"] for r in result if r["workload"] == workload}
        line = f"{workload}: efficiency at 2 workers {t['pardo-1'] / (2 * t['pardo-2']):.0%}"
        for peer in ("scipy", "numpy"):
            if peer in t:
                line += f", {peer}/pardo-1 {t[peer] / t['pardo-1']:.1f}x"
        print(line)
