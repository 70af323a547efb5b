"""Timing shared by the statistics benchmarks: medians, pardo's CLI at 1 and 2 workers in
alternation, and a peer timed at each of several batch sizes."""

from __future__ import annotations

import json
import statistics
import subprocess
import time
from typing import Callable, Iterable


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pardo_reports(argv_of: Callable[[int], list[str]], rounds: int,
                  workers: Iterable[int] = (1, 2)) -> dict[int, list[dict]]:
    """The --json reports of `rounds` runs at each worker count. Each round runs every count
    once, so a host that slows down for a minute slows the 1- and 2-worker runs alike and the
    efficiency t1 / (2 t2) stays honest."""
    counts = list(workers)
    reports: dict[int, list[dict]] = {w: [] for w in counts}
    for _ in range(rounds):
        for w in counts:
            out = subprocess.run(argv_of(w), check=True, capture_output=True, text=True).stdout
            report = json.loads(out)
            # pardo's "run" object (seconds, workers, ...) read as top-level keys
            reports[w].append({**report.get("run", {}), **report})
    return reports


def median_of(reports: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in reports)


def fastest_batch(run_with: Callable[[int | None], object], batches: Iterable[int | None],
                  repeats: int) -> tuple[str, float, dict[str, float]]:
    """A peer at each batch size (None: its default): the fastest batch ("default" for None),
    its median seconds, and every batch's median. Peers are compared at their best setting,
    not at one we chose."""
    by_batch = {"default" if b is None else str(b): median_seconds(lambda b=b: run_with(b),
                                                                   repeats)
                for b in batches}
    best = min(by_batch, key=by_batch.__getitem__)
    return best, by_batch[best], by_batch
