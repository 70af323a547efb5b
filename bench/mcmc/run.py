#!/usr/bin/python3
"""pardo's MCMC diagnostics beside numpy's, on the same draws.

Usage (from the repository root, with Debian's /usr/bin/python3, which has numpy and scipy;
this script builds nothing: it runs build/bin/bench_mcmc_diagnostics of a Release build
configured with -DPARDO_BUILD_BENCHMARKS=ON):

    /usr/bin/python3 bench/mcmc/run.py --build build                  # 8 chains x 1e5 x 10
    /usr/bin/python3 bench/mcmc/run.py --build build --chains 4 --draws 1e4 --repeats 3

Each repeat runs pardo's chains (run_chains on a ThreadPool of --workers) and times apart
the sampling and the diagnostics (split R-hat and bulk ESS of every parameter, on the same
pool), writing the draws; then bench/mcmc/python/diagnostics.py computes the same split R-hat
and bulk ESS in numpy on those draws. It prints the medians of the repeats, the ratios
(diagnostics over sampling; numpy over pardo) and the largest relative difference between
pardo's and numpy's values, which should be about 1e-12 (1e-9 at most). The exit status is 0
whatever the figures, 1 if the values disagree beyond 1e-9, 2 if the binary is missing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--chains", type=int, default=8)
    parser.add_argument("--draws", type=float, default=1e5)
    parser.add_argument("--dim", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    binary = Path(args.build) / "bin" / "bench_mcmc_diagnostics"
    if not binary.exists():
        print(f"{binary} is missing: configure with -DPARDO_BUILD_BENCHMARKS=ON", file=sys.stderr)
        return 2
    draws = int(args.draws)
    sampling, pardo_diag, numpy_diag, worst = [], [], [], 0.0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "draws.bin"
        for _ in range(args.repeats):
            out = subprocess.run(
                [str(binary), str(args.chains), str(draws), str(args.dim), str(args.workers),
                 str(path)], check=True, capture_output=True, text=True).stdout
            pardo = json.loads(out)
            out = subprocess.run(
                [sys.executable, str(HERE / "python" / "diagnostics.py"), str(path),
                 str(args.dim), str(args.chains)], check=True, capture_output=True,
                text=True).stdout
            peer = json.loads(out)
            sampling.append(pardo["sampling_seconds"])
            pardo_diag.append(pardo["diagnostics_seconds"])
            numpy_diag.append(peer["seconds"])
            for key in ("rhat", "ess"):
                for a, b in zip(pardo[key], peer[key]):
                    worst = max(worst, abs(a - b) / abs(b))
    s, p, n = (statistics.median(v) for v in (sampling, pardo_diag, numpy_diag))
    print(f"{args.chains} chains x {draws} draws x {args.dim} dimensions, "
          f"{args.workers} workers, median of {args.repeats}")
    print(f"  pardo sampling      {s:8.3f} s")
    print(f"  pardo diagnostics   {p:8.3f} s   {100 * p / s:5.1f}% of sampling")
    print(f"  numpy diagnostics   {n:8.3f} s   {n / p:5.1f}x pardo's")
    print(f"  max relative difference of R-hat and ESS, pardo vs numpy: {worst:.2e}")
    return 0 if worst <= 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
