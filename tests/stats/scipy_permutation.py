#!/usr/bin/python3
"""pardo permtest against scipy.stats.permutation_test on the same data.

Exact p-values (every arrangement enumerated) must agree to rounding; randomized ones
within Monte Carlo error: |p_pardo - p_scipy| < 4 sqrt(p (1 - p) (1/n_pardo + 1/n_scipy)).
Usage: scipy_permutation.py PARDO_BINARY. Exits 77 (skipped) without numpy or scipy.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from scipy import stats
except ImportError:
    print("numpy or scipy missing: skipped")
    sys.exit(77)


def mean_diff(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def t_stat(x, y, axis=-1):
    return stats.ttest_ind(x, y, axis=axis).statistic


def pearson(x, y, axis=-1):
    xm = x - np.mean(x, axis=axis, keepdims=True)
    ym = y - np.mean(y, axis=axis, keepdims=True)
    return np.sum(xm * ym, axis=axis) / np.sqrt(
        np.sum(xm * xm, axis=axis) * np.sum(ym * ym, axis=axis))


STATISTICS = {"mean-diff": mean_diff, "t": t_stat, "pearson": pearson}
SCIPY_TYPE = {"independent": "independent", "paired": "samples", "correlation": "pairings"}


def write_column(path, values):
    with open(path, "w") as f:
        f.write("v\n")
        f.writelines(f"{v!r}\n" for v in values)


def pardo_run(pardo, tmp, x, y, design, statistic, alternative, permutations):
    write_column(os.path.join(tmp, "x.csv"), x)
    write_column(os.path.join(tmp, "y.csv"), y)
    out = subprocess.run(
        [pardo, "permtest", "--x", os.path.join(tmp, "x.csv") + ":v",
         "--y", os.path.join(tmp, "y.csv") + ":v", "--design", design,
         "--statistic", statistic, "--alternative", alternative,
         "--permutations", str(permutations), "--seed", "11", "--json", "-q"],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    pardo = sys.argv[1]
    rng = np.random.default_rng(2024)
    failures = 0
    cases = [
        # design, statistic, n_x, n_y, shift, exact
        ("independent", "mean-diff", 6, 7, 0.8, True),
        ("independent", "t", 5, 8, 1.0, True),
        ("paired", "mean-diff", 10, 10, 0.5, True),
        ("correlation", "pearson", 6, 6, 0.0, True),
        ("independent", "mean-diff", 30, 25, 0.5, False),
        ("independent", "t", 20, 20, 0.6, False),
        ("paired", "mean-diff", 25, 25, 0.3, False),
        ("correlation", "pearson", 20, 20, 0.0, False),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for design, statistic, nx, ny, shift, exact in cases:
            x = rng.normal(size=nx)
            y = rng.normal(size=ny) + shift
            if design == "correlation":
                y = 0.4 * x + rng.normal(size=ny)
            for alternative in ("two-sided", "less", "greater"):
                n = 9999 if exact else 20000
                got = pardo_run(pardo, tmp, x, y, design, statistic, alternative, n)
                ref = stats.permutation_test(
                    (x, y), STATISTICS[statistic], vectorized=True,
                    permutation_type=SCIPY_TYPE[design], alternative=alternative,
                    n_resamples=np.inf if exact else n, random_state=7)
                label = f"{design} {statistic} {alternative} ({'exact' if exact else 'random'})"
                if got["exact"] != exact:
                    print(f"FAIL {label}: pardo exact={got['exact']}")
                    failures += 1
                    continue
                if not math.isclose(got["statistic"], ref.statistic, rel_tol=1e-12,
                                    abs_tol=1e-12):
                    print(f"FAIL {label}: statistic {got['statistic']} vs {ref.statistic}")
                    failures += 1
                if exact:
                    ok = (abs(got["estimate"] - ref.pvalue) <= 1e-12 and
                          got["permutations"] * 1.0 <= len(ref.null_distribution))
                    bound = 1e-12
                else:
                    p = ref.pvalue
                    bound = 4 * math.sqrt(max(p * (1 - p), 1e-4) * (2 / n))
                    ok = abs(got["estimate"] - p) < bound
                print(f"{'ok  ' if ok else 'FAIL'} {label}: pardo {got['estimate']:.6f} "
                      f"scipy {ref.pvalue:.6f} (tolerance {bound:.2g})")
                failures += 0 if ok else 1
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
