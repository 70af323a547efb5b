"""Shared command line, pixel grid and JSON output of the Python Mandelbrot peers."""

from __future__ import annotations

import argparse
import json
import sys


def parse_args(description: str, *, workers: bool = True):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--max-iter", type=int, default=1000)
    parser.add_argument("--region", default="-2.5:1:-1.25:1.25", help="X0:X1:Y0:Y1")
    if workers:
        parser.add_argument("--workers", type=int, default=1, help="worker threads")
    else:
        parser.add_argument("--workers", type=int, default=1, choices=[1],
                            help="always 1: this version is serial")
    args = parser.parse_args()
    try:
        args.x0, args.x1, args.y0, args.y1 = (float(v) for v in args.region.split(":"))
    except ValueError:
        parser.error(f"--region {args.region!r}: expected X0:X1:Y0:Y1")
    if (args.width <= 0 or args.height <= 0 or args.max_iter <= 0 or args.workers <= 0
            or not (args.x0 < args.x1 and args.y0 < args.y1)):
        parser.error("sizes, --max-iter and --workers must be positive, the region not empty")
    return args


def centres(np, low: float, high: float, cells: int):
    """The pixel centres along [low, high], as pardo places them."""
    return low + (np.arange(cells, dtype=np.float64) + 0.5) * ((high - low) / cells)


def emit(runtime: str, args, iterations: int, seconds: float) -> None:
    """Prints the one JSON line the driver reads."""
    print(json.dumps({"runtime": runtime, "workers": args.workers, "width": args.width,
                      "height": args.height, "max_iter": args.max_iter,
                      "iterations": int(iterations), "seconds": seconds}))
    sys.stdout.flush()
