#!/usr/bin/python3
"""Monte Carlo pi with a process pool, the classic multiprocessing program, reproducible.

    PYTHONPATH=build/python python3 examples/python/pool_pi.py

Each task draws from its own stream (seed, task) of pardo.random.Philox, so the estimate
is the same on any number of workers; written against multiprocessing.Pool, it needs only
the import changed.
"""

import math

import numpy as np

import pardo
from pardo.random import Philox

TASKS, PER_TASK, SEED = 64, 250_000, 7


def hits(task):
    g = np.random.Generator(Philox(SEED, stream=task))
    x, y = g.random(PER_TASK), g.random(PER_TASK)
    return int(np.count_nonzero(x * x + y * y <= 1.0))


with pardo.Pool() as pool:
    total = sum(pool.map(hits, range(TASKS)))
with pardo.Pool(1) as pool:
    assert sum(pool.map(hits, range(TASKS))) == total  # one worker, the same answer
n = TASKS * PER_TASK
p = total / n
estimate, error = 4 * p, 4 * math.sqrt(p * (1 - p) / n)
print(f"pi ~ {estimate:.6f} +- {error:.1g} (95%: [{estimate - 1.96 * error:.6f}, "
      f"{estimate + 1.96 * error:.6f}])")
