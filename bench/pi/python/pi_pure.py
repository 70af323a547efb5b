#!/usr/bin/env python3
"""Monte Carlo pi in pure Python: the textbook loop over random.uniform.

    /usr/bin/python3 bench/pi/python/pi_pure.py --samples 2000000 --seed 42

Prints one JSON line {"runtime", "workers", "samples", "estimate", "seconds"}; seconds is
the wall time of the loop only. Serial: --workers is always 1.
"""

from __future__ import annotations

import random
import time

from _common import emit, parse_args


def count_inside(samples: int, rng: random.Random) -> int:
    uniform = rng.uniform
    hits = 0
    for _ in range(samples):
        x = uniform(0.0, 1.0)
        y = uniform(0.0, 1.0)
        if x * x + y * y < 1.0:
            hits += 1
    return hits


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], workers=False)
    rng = random.Random(args.seed)
    start = time.perf_counter()
    hits = count_inside(args.samples, rng)
    seconds = time.perf_counter() - start
    emit("python_pure", 1, args.samples, hits, seconds)


if __name__ == "__main__":
    main()
