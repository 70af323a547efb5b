#!/usr/bin/python3
"""pardo from Python beside the pardo command and scipy, in one run.

Usage (from the repository root, after `make build`; Debian's /usr/bin/python3 has numpy,
scipy and numba):

    /usr/bin/python3 bench/python/run.py                      # a few minutes on 2 cores
    /usr/bin/python3 bench/python/run.py --samples 1e9 --repeats 9 --build build

Every figure is the median of `--repeats` runs, the runs of the things compared interleaved:

- pi: `pardo pi --samples N --json -q` (its own rate, which excludes the process's start-up)
  against `pardo.pi(N)` in this interpreter (timed around the call); the two estimates must
  be the same bits.
- integrate: `pardo.integrate` of the 5-D unit ball with the built-in integrand against a
  numba @cfunc that computes the same thing (the same bits, checked).
- bootstrap and permutation test: `pardo.stats.bootstrap` (median, BCa, 9999 resamples of
  10,000 values) and `pardo.stats.permutation_test` (mean difference, 9999 permutations of
  two samples of 5,000) from Python, against the same call from C++ (the command's own
  seconds, reading the file excluded) and against `scipy.stats` on the same data
  (vectorized, its default batch).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--samples", type=float, default=1e10)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    build = Path(args.build)
    sys.path.insert(0, str(build / "python"))
    import pardo  # noqa: E402 (from the build tree)

    samples = int(args.samples)
    cli_rates, python_rates = [], []
    for _ in range(args.repeats):
        out = subprocess.run([str(build / "bin" / "pardo"), "pi", "--samples", str(samples),
                              "--json", "-q"], check=True, capture_output=True, text=True)
        cli = json.loads(out.stdout)
        cli_rates.append(cli["samples_per_second"])
        start = time.perf_counter()
        r = pardo.pi(samples, seed=cli["run"]["seed"])
        python_rates.append(samples / (time.perf_counter() - start))
        if r.estimate != cli["estimate"]:
            print(f"estimates differ: {r.estimate!r} against {cli['estimate']!r}")
            return 1
    cli_rate, python_rate = statistics.median(cli_rates), statistics.median(python_rates)
    print(f"pi, {samples:.3g} samples, {r.run.workers} workers, median of {args.repeats}")
    print(f"  pardo pi (CLI)    {cli_rate:.4g} samples/s")
    print(f"  pardo.pi (Python) {python_rate:.4g} samples/s   {python_rate / cli_rate:.1%} of the CLI")
    integrands(pardo, args.repeats)
    resampling(pardo, build, max(args.repeats, 9))  # short runs: more repeats against noise
    return 0


def timed(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def integrands(pardo, repeats: int) -> None:
    from numba import carray, cfunc

    @cfunc("float64(intc, CPointer(float64))")
    def in_ball(n, x):
        a = carray(x, (n,))
        r2 = 0.0
        for i in range(n):
            r2 += a[i] * a[i]
        return 1.0 if r2 <= 1.0 else 0.0

    builtin, compiled = [], []
    for _ in range(repeats):
        t_b, r_b = timed(lambda: pardo.integrate("ball", -1, 1, dim=5, samples=10**8, seed=1))
        t_c, r_c = timed(lambda: pardo.integrate(in_ball, -1, 1, dim=5, samples=10**8, seed=1))
        if r_b.estimate != r_c.estimate:
            raise SystemExit(f"integrands differ: {r_b.estimate!r} against {r_c.estimate!r}")
        builtin.append(t_b)
        compiled.append(t_c)
    b, c = statistics.median(builtin), statistics.median(compiled)
    print(f"integrate, 5-D unit ball, 1e8 samples, {r_b.run.workers} workers, median of {repeats}")
    print(f"  built-in integrand   {b:.3f} s")
    print(f"  numba @cfunc         {c:.3f} s   {b / c:.1%} of the built-in's speed")


def resampling(pardo, build: Path, repeats: int) -> None:
    import numpy as np
    import pardo.stats
    import scipy.stats

    rng = np.random.default_rng(3)
    x = rng.lognormal(size=10_000)
    a, b = rng.normal(size=5_000), rng.normal(0.05, size=5_000)
    with tempfile.TemporaryDirectory() as tmp:
        one, two = Path(tmp) / "x.npy", Path(tmp) / "ab.csv"
        np.save(one, x)
        np.savetxt(two, np.column_stack([a, b]), delimiter=",", header="a,b", comments="",
                   fmt="%.17g")
        rows = []
        for name, cli_args, python_call, scipy_call in (
            ("bootstrap, median, BCa", ["bootstrap", str(one), "--statistic", "median",
                                        "--seed", "5"],
             lambda: pardo.stats.bootstrap(x, "median", seed=5),
             lambda: scipy.stats.bootstrap((x,), np.median, n_resamples=9999,
                                           random_state=1)),
            ("permutation test, mean difference", ["permtest", str(two), "--x", "a", "--y",
                                                   "b", "--seed", "5"],
             lambda: pardo.stats.permutation_test((a, b), seed=5),
             lambda: scipy.stats.permutation_test(
                 (a, b), lambda u, v, axis: u.mean(axis) - v.mean(axis), n_resamples=9999,
                 vectorized=True, random_state=1)),
        ):
            cli_s, py_s, sp_s = [], [], []
            for _ in range(repeats):
                out = subprocess.run([str(build / "bin" / "pardo"), *cli_args, "--json", "-q"],
                                     check=True, capture_output=True, text=True)
                cli_s.append(json.loads(out.stdout)["run"]["seconds"])
                py_s.append(timed(python_call)[0])
                sp_s.append(timed(scipy_call)[0])
            rows.append((name, statistics.median(cli_s), statistics.median(py_s),
                         statistics.median(sp_s)))
    print(f"resampling, 9999 resamples, median of {repeats}")
    for name, c, p, s in rows:
        print(f"  {name}: C++ {c:.3f} s, Python {p:.3f} s ({p / c - 1:+.1%}), "
              f"scipy {s:.3f} s ({s / p:.1f}x pardo's time)")


if __name__ == "__main__":
    sys.exit(main())
