#!/usr/bin/python3
"""A parameter sweep that survives a crashing model, on pardo's process pool.

    PYTHONPATH=build/python python3 examples/python/sweep.py

The model crashes its process (as a segfault in a C extension would) for some parameters.
With multiprocessing.Pool the sweep would hang; with concurrent.futures every later task
would fail with BrokenProcessPool. Here only those points fail, with pardo.WorkerCrashed,
and the sweep finishes.
"""

import concurrent.futures as cf
import os

import numpy as np

import pardo
from pardo.random import Philox


def model(rate, seed=11):
    """The mean waiting time of a queue at this arrival rate, by simulation."""
    if rate > 0.95:
        os._exit(1)  # the model's native code gives up on a saturated queue
    g = np.random.Generator(Philox(seed, stream=int(rate * 1000)))
    arrivals = g.exponential(1 / rate, size=20_000).cumsum()
    service = g.exponential(1.0, size=20_000)
    finish = np.empty_like(arrivals)
    t = 0.0
    for i, (a, s) in enumerate(zip(arrivals, service)):
        t = max(t, a) + s
        finish[i] = t
    return float((finish - arrivals).mean())


rates = [0.1, 0.3, 0.5, 0.7, 0.9, 0.97, 0.99]
with pardo.ProcessPoolExecutor(max_retries=0) as pool:
    futures = {pool.submit(model, r): r for r in rates}
    for f in cf.as_completed(futures):
        rate = futures[f]
        try:
            print(f"rate {rate:.2f}: mean wait {f.result():7.2f}")
        except pardo.WorkerCrashed as e:
            print(f"rate {rate:.2f}: the model crashed ({e.exit_status=})")
print(f"swept {len(rates)} rates; the crashes cost only their own points")
