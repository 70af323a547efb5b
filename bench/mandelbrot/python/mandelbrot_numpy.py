#!/usr/bin/env python3
"""The Mandelbrot set with numpy: the vectorised version users write, serial.

    /usr/bin/python3 bench/mandelbrot/python/mandelbrot_numpy.py --width 480 --height 270

A complex grid c; each of max_iter rounds squares and adds c where |z| <= 2 still holds (a
boolean mask) and counts those pixels. numpy's |z| is a hypot, not pardo's x*x + y*y <= 4,
so a few pixels on the edge of escaping may count one step differently: the iteration total
is close to pardo's, not equal. seconds (in the one JSON line) is the drawing alone.
"""

from __future__ import annotations

import time

import numpy as np

from _common import centres, emit, parse_args


def draw(cx, cy, max_iter):
    c = cx[np.newaxis, :] + 1j * cy[:, np.newaxis]
    z = np.zeros_like(c)
    counts = np.zeros(c.shape, dtype=np.uint32)
    for _ in range(max_iter):
        alive = np.abs(z) <= 2.0
        if not alive.any():
            break
        z[alive] = z[alive] * z[alive] + c[alive]
        counts[alive] += 1
    return counts


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], workers=False)
    cx = centres(np, args.x0, args.x1, args.width)
    cy = centres(np, args.y0, args.y1, args.height)
    start = time.perf_counter()
    counts = draw(cx, cy, args.max_iter)
    seconds = time.perf_counter() - start
    emit("numpy", args, counts.sum(dtype=np.uint64), seconds)


if __name__ == "__main__":
    main()
