"""pardo bootstrap against scipy.stats.bootstrap on the same data.

Usage: scipy_bootstrap.py PARDO_BINARY. Exits 77 (ctest's skip code) when scipy is missing.

Two checks for each statistic and method:
- exact: scipy, given pardo's bootstrap distribution (bootstrap_result, n_resamples=0),
  must compute the same interval to rounding: this pins the percentile convention, the
  BCa bias correction and the jackknife acceleration.
- Monte Carlo: scipy's own resamples and pardo's must give intervals and standard errors
  that agree: the means of 12 runs with different seeds on each side within 4 standard
  errors of their difference, the standard errors measured from the runs' spread.
"""

import json
import math
import os
import subprocess
import sys
import tempfile
import types

try:
    import numpy as np
    from scipy import stats
except ImportError:
    print("SKIP: numpy/scipy not importable by", sys.executable)
    sys.exit(77)

RESAMPLES = 9999
SEEDS = 12
STATISTICS = {"mean": np.mean, "median": np.median,
              "std": lambda x, axis=-1: np.std(x, ddof=1, axis=axis)}


def pardo_run(pardo, path, statistic, method, seed):
    out = subprocess.run(
        [pardo, "bootstrap", path, "--statistic", statistic, "--method", method,
         "--resamples", str(RESAMPLES), "--seed", str(seed), "--json", "--distribution"],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    pardo = sys.argv[1]
    rng = np.random.default_rng(2024)
    data = rng.gamma(shape=3.0, scale=2.0, size=300)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.csv")
        np.savetxt(path, data, fmt="%.17g", header="x", comments="")
        for name, fn in STATISTICS.items():
            for method in ("percentile", "basic", "bca"):
                r = pardo_run(pardo, path, name, method, seed=5)
                dist = np.array(r["distribution"])
                # Exact: same distribution, scipy's formulas.
                prior = types.SimpleNamespace(bootstrap_distribution=dist)
                same = stats.bootstrap((data,), fn, n_resamples=0, method=method,
                                       confidence_level=0.95, vectorized=True,
                                       bootstrap_result=prior)
                got = np.array([r["interval"]["low"], r["interval"]["high"]])
                want = np.array([same.confidence_interval.low, same.confidence_interval.high])
                scale = r["std_error"]
                if not np.allclose(got, want, rtol=1e-10, atol=1e-9 * scale):
                    print(f"FAIL exact {name}/{method}: pardo {got}, scipy on pardo's "
                          f"distribution {want}")
                    failures += 1
                if not math.isclose(r["std_error"], same.standard_error, rel_tol=1e-10):
                    print(f"FAIL exact {name}/{method}: std_error {r['std_error']} vs "
                          f"{same.standard_error}")
                    failures += 1
                if name == "median":
                    continue  # the median's distribution is lumpy: no normal-theory tolerance
                # Monte Carlo: independent resamples on each side, SEEDS runs each; the means
                # must agree within 4 standard errors of their difference.
                ours = np.array([[r["interval"]["low"], r["interval"]["high"], r["std_error"]] for r in
                                 (pardo_run(pardo, path, name, method, seed)
                                  for seed in range(100, 100 + SEEDS))])
                theirs = []
                for seed in range(SEEDS):
                    t = stats.bootstrap((data,), fn, n_resamples=RESAMPLES, method=method,
                                        confidence_level=0.95, vectorized=True,
                                        random_state=seed)
                    theirs.append([t.confidence_interval.low, t.confidence_interval.high,
                                   t.standard_error])
                theirs = np.array(theirs)
                se = np.sqrt((ours.var(axis=0, ddof=1) + theirs.var(axis=0, ddof=1)) / SEEDS)
                for i, what in enumerate(("low", "high", "std_error")):
                    a, b = ours[:, i].mean(), theirs[:, i].mean()
                    if abs(a - b) > 4 * se[i]:
                        print(f"FAIL mc {name}/{method} {what}: pardo {a}, scipy {b}, "
                              f"4 se {4 * se[i]}")
                        failures += 1
                print(f"ok {name}/{method}: mean of {SEEDS} runs: pardo "
                      f"[{ours[:, 0].mean():.6f}, {ours[:, 1].mean():.6f}] scipy "
                      f"[{theirs[:, 0].mean():.6f}, {theirs[:, 1].mean():.6f}]")
    if failures:
        print(f"{failures} failure(s)")
        sys.exit(1)
    print("pardo bootstrap agrees with scipy.stats.bootstrap")


if __name__ == "__main__":
    main()
