#!/usr/bin/env python3
"""Monte Carlo pi with multiprocessing.Pool: the pure-Python loop over chunks in W processes.

    /usr/bin/python3 bench/pi/python/pi_multiprocessing.py --samples 4000000 --workers 2

The samples are cut into CHUNKS chunks (fewer if there are fewer samples), handed to a Pool
of --workers processes one chunk at a time. Chunk k draws from its own random.Random seeded
with the string "pi:<seed>:<k>" (Python hashes str seeds with SHA-512), so the chunks'
streams are distinct and the estimate depends on the seed only, not on the worker count or
on which process runs which chunk. (The classic bug is to rely on the global `random` state,
which every forked worker inherits: identical streams in all workers.) The pool is started
and warmed up before the clock starts; seconds, in the one JSON line printed, covers
handing out the chunks, the work and collecting the counts.
"""

from __future__ import annotations

import multiprocessing
import random
import time

from _common import emit, parse_args
from pi_pure import count_inside

CHUNKS = 32


def count_chunk(task: tuple[int, int, int]) -> int:
    seed, chunk, samples = task
    # One generator per chunk, never per worker: the estimate is the same on any pool size.
    return count_inside(samples, random.Random(f"pi:{seed}:{chunk}"))


def _ready(_: int) -> int:
    return 0


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    chunks = min(CHUNKS, args.samples)
    base, extra = divmod(args.samples, chunks)
    tasks = [(args.seed, k, base + (1 if k < extra else 0)) for k in range(chunks)]
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        pool.map(_ready, range(4 * args.workers), chunksize=1)  # start the workers
        start = time.perf_counter()
        hits = sum(pool.imap_unordered(count_chunk, tasks, chunksize=1))
        seconds = time.perf_counter() - start
    emit("python_multiprocessing", args.workers, args.samples, hits, seconds)


if __name__ == "__main__":
    main()
