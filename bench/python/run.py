#!/usr/bin/python3
"""pardo from Python beside the pardo command, in one run.

Usage (from the repository root, after `make build`; Debian's /usr/bin/python3 has numpy):

    /usr/bin/python3 bench/python/run.py                      # pi, 1e10 samples, 5 repeats
    /usr/bin/python3 bench/python/run.py --samples 1e9 --repeats 9 --build build

Interleaves `pardo pi --samples N --json -q` (its own rate, which excludes the process's
start-up) with `pardo.pi(N)` in this interpreter (timed around the call), each on all the
CPUs this process may use, and prints the median samples per second of each and their
ratio. Both compute the same estimate; the script checks that they agree bit for bit.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
