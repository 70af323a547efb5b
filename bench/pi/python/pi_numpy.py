#!/usr/bin/env python3
"""Monte Carlo pi with numpy: vectorised draws and test, in chunks so memory stays bounded.

    /usr/bin/python3 bench/pi/python/pi_numpy.py --samples 100000000 --seed 42

Draws CHUNK points at a time from numpy.random.default_rng(seed) (PCG64), counts those with
x*x + y*y < 1 with count_nonzero, and sums the counts: about 5 arrays of CHUNK doubles
(40 MB) live at once whatever --samples is. Prints one JSON line {"runtime", "workers",
"samples", "estimate", "seconds"}; seconds covers the estimation only, not importing numpy.
numpy runs these operations on one thread, so --workers is always 1.
"""

from __future__ import annotations

import time

import numpy as np

from _common import emit, parse_args

CHUNK = 1 << 20


def count_inside(samples: int, rng: np.random.Generator) -> int:
    hits = 0
    for first in range(0, samples, CHUNK):
        m = min(CHUNK, samples - first)
        x = rng.random(m)
        y = rng.random(m)
        hits += int(np.count_nonzero(x * x + y * y < 1.0))
    return hits


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], workers=False)
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    hits = count_inside(args.samples, rng)
    seconds = time.perf_counter() - start
    emit("python_numpy", 1, args.samples, hits, seconds)


if __name__ == "__main__":
    main()
