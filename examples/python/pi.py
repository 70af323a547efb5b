#!/usr/bin/python3
"""Monte Carlo pi from Python, the same bits as `pardo pi` on any number of workers.

    PYTHONPATH=build/python python3 examples/python/pi.py 1e9
"""

import sys

import pardo

samples = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10**8
r = pardo.pi(samples, seed=7)
print(f"pi ~ {r.estimate:.8f} +- {r.std_error:.2g}  "
      f"(95%: [{r.interval.low:.8f}, {r.interval.high:.8f}])")
print(f"{r.samples:.3g} samples in {r.run.seconds:.2f} s on {r.run.workers} {r.run.backend}")
assert pardo.pi(samples, seed=7, workers=1).estimate == r.estimate  # one worker, same bits
