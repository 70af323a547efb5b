"""Shared command line and JSON output of the Python pi peers (standard library only)."""

from __future__ import annotations

import argparse
import json
import sys


def parse_args(description: str, *, workers: bool = True, modes: tuple[str, ...] = ()):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--samples", type=int, default=1_000_000, help="points to draw")
    parser.add_argument("--seed", type=int, default=42, help="seed (a non-negative integer)")
    if workers:
        parser.add_argument("--workers", type=int, default=1, help="worker count")
    else:
        parser.add_argument("--workers", type=int, default=1, choices=[1],
                            help="always 1: this version is serial")
    if modes:
        parser.add_argument("--mode", choices=modes, default=modes[0])
    args = parser.parse_args()
    if args.samples <= 0 or args.workers <= 0 or args.seed < 0:
        parser.error("--samples and --workers must be positive, --seed non-negative")
    return args


def emit(runtime: str, workers: int, samples: int, hits: int, seconds: float) -> None:
    """Prints the one JSON line the driver reads."""
    print(json.dumps({"runtime": runtime, "workers": workers, "samples": samples,
                      "estimate": 4.0 * hits / samples, "seconds": seconds}))
    sys.stdout.flush()
