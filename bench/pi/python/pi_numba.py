#!/usr/bin/env python3
"""Monte Carlo pi with numba: a compiled loop, serial (@njit) or parallel (parallel=True).

    /usr/bin/python3 bench/pi/python/pi_numba.py --mode njit --samples 300000000 --seed 42
    /usr/bin/python3 bench/pi/python/pi_numba.py --mode parallel --workers 2 --samples ...

Both modes are the textbook loop: draw x and y with np.random.random() (numba's own
Mersenne Twister), count x*x + y*y < 1; `parallel` runs the loop with prange, the hit count a
reduction, on --workers threads (numba.set_num_threads). Each function is compiled by a call
on a tiny input first; seconds (in the one JSON line printed) is the wall time of the timed
call only. The seed seeds numba's generator in the calling thread, so `njit` is
reproducible; in `parallel`, numba gives each worker thread its own generator state, seeded
by numba itself, so that estimate changes from run to run.
"""

from __future__ import annotations

import os
import sys
import time

from _common import emit, parse_args


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], modes=("njit", "parallel"))
    if args.mode == "njit" and args.workers != 1:
        sys.exit("pi_numba.py: --mode njit is serial; use --workers 1")
    # numba caps set_num_threads at NUMBA_NUM_THREADS (default: the CPU count), read at import.
    if args.workers > (os.cpu_count() or 1):
        os.environ["NUMBA_NUM_THREADS"] = str(args.workers)

    import numba
    import numpy as np

    @numba.njit
    def seed(value):
        np.random.seed(value)

    @numba.njit
    def count_serial(samples):
        hits = 0
        for _ in range(samples):
            x = np.random.random()
            y = np.random.random()
            if x * x + y * y < 1.0:
                hits += 1
        return hits

    @numba.njit(parallel=True)
    def count_parallel(samples):
        hits = 0
        for _ in numba.prange(samples):
            x = np.random.random()
            y = np.random.random()
            if x * x + y * y < 1.0:
                hits += 1
        return hits

    count = count_serial if args.mode == "njit" else count_parallel
    if args.mode == "parallel":
        numba.set_num_threads(args.workers)
    seed(args.seed)
    count(1000)  # compile (and start numba's threads) outside the timed call
    seed(args.seed)

    start = time.perf_counter()
    hits = int(count(args.samples))
    seconds = time.perf_counter() - start
    emit(f"numba_{args.mode}", args.workers, args.samples, hits, seconds)


if __name__ == "__main__":
    main()
