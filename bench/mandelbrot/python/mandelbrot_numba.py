#!/usr/bin/env python3
"""The Mandelbrot set with numba: @njit(parallel=True) with prange over rows.

    /usr/bin/python3 bench/mandelbrot/python/mandelbrot_numba.py --workers 2 --width 1920 ...

The loop is pardo's step in pardo's order on real and imaginary parts, so the counts equal
pardo's; numba's prange splits the rows statically among --workers threads
(numba.set_num_threads). The function is compiled by a call on a tiny image first; seconds
(in the one JSON line printed) is the timed call alone.
"""

from __future__ import annotations

import os
import time

from _common import centres, emit, parse_args


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    # numba caps set_num_threads at NUMBA_NUM_THREADS (default: the CPU count), read at import.
    if args.workers > (os.cpu_count() or 1):
        os.environ["NUMBA_NUM_THREADS"] = str(args.workers)

    import numba
    import numpy as np

    @numba.njit(parallel=True)
    def draw(cx, cy, max_iter):
        counts = np.zeros((cy.size, cx.size), dtype=np.uint32)
        for j in numba.prange(cy.size):
            for i in range(cx.size):
                x = 0.0
                y = 0.0
                k = 0
                while k < max_iter:
                    x2 = x * x
                    y2 = y * y
                    if x2 + y2 > 4.0:
                        break
                    y = (x + x) * y + cy[j]
                    x = (x2 - y2) + cx[i]
                    k += 1
                counts[j, i] = k
        return counts

    numba.set_num_threads(args.workers)
    cx = centres(np, args.x0, args.x1, args.width)
    cy = centres(np, args.y0, args.y1, args.height)
    draw(cx[:8], cy[:8], 10)  # compile (and start numba's threads) outside the timed call
    start = time.perf_counter()
    counts = draw(cx, cy, args.max_iter)
    seconds = time.perf_counter() - start
    emit("numba_prange", args, counts.sum(dtype=np.uint64), seconds)


if __name__ == "__main__":
    main()
