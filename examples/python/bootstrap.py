#!/usr/bin/python3
"""A BCa bootstrap interval for the median of waiting times (a numpy .npy file).

    PYTHONPATH=build/python python3 examples/python/bootstrap.py examples/data/waiting_times.npy
"""

import sys

import numpy as np

import pardo.stats

path = sys.argv[1] if len(sys.argv) > 1 else "examples/data/waiting_times.npy"
x = np.load(path)
r = pardo.stats.bootstrap(x, "median", n_resamples=99_999, seed=1)
ci = r.confidence_interval
print(f"median {r.estimate:.4f}, 95% BCa interval [{ci.low:.4f}, {ci.high:.4f}], "
      f"standard error {r.standard_error:.4f}")
print(f"{r.n_resamples} resamples in {r.run.seconds:.2f} s on {r.run.workers} workers")
