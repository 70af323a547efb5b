#!/usr/bin/python3
"""mpi4py's allreduce and bcast, the peer of bench_mpi_collectives in bench/mpi/run.py.

Run under mpirun with Debian's /usr/bin/python3 (python3-mpi4py, numpy):

    mpirun -np 2 /usr/bin/python3 bench/mpi/python/collectives_mpi4py.py --budget 0.5

The protocol is bench_mpi_collectives's: sizes 8 B, 64 B, ... (x8) up to --max-bytes and
--max-bytes itself; for each (op, size) every variant runs once and is checked, then
untimed warm-up rounds (at least --warmup, about a tenth of --budget), then `reps` rounds
(set by rank 0 from the median warm-up round so the rounds take about --budget seconds,
within [--min-reps, --max-reps]), each round running every variant once in
a fresh random order (the same on every rank). A sample is one call after comm.Barrier(), timed with
time.perf_counter on every rank; the sample kept is the maximum over ranks.

Variants, on float64 numpy arrays:
  allreduce  mpi4py_buffer    comm.Allreduce(send, recv, op=MPI.SUM): preallocated output
             mpi4py_in_place  comm.Allreduce(MPI.IN_PLACE, buf, op=MPI.SUM)
             mpi4py_pickle    comm.allreduce(x) on one Python float (8 B only)
  bcast      mpi4py_buffer    comm.Bcast(buf, root=0)
             mpi4py_pickle    comm.bcast(x, root=0) on one Python float (8 B only)

Rank 0 prints one JSON line per (op, size, variant) with the keys of bench_mpi_collectives.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time

import numpy as np
from mpi4py import MPI


def sizes(min_bytes: int, max_bytes: int) -> list[int]:
    out = []
    b = min_bytes
    while b <= max_bytes:
        out.append(b)
        b *= 8
    if not out or out[-1] != max_bytes:
        out.append(max_bytes)
    return out


def expect_all(data, value, what: str) -> None:
    if not np.all(np.asarray(data) == value):
        raise AssertionError(f"{what}: expected {value} everywhere")


def allreduce_variants(comm, n: int) -> list[tuple[str, object, object]]:
    """(name, call, check) for each variant; in-place buffers hold zeros while timed."""
    size, rank = comm.Get_size(), comm.Get_rank()
    expected = size * (size + 1) / 2.0
    mine = rank + 1.0
    send = np.full(n, mine)
    recv = np.zeros(n)
    buf = np.zeros(n)

    def buffer():
        comm.Allreduce(send, recv, op=MPI.SUM)

    def buffer_check():
        buffer()
        expect_all(recv, expected, "mpi4py_buffer allreduce")

    def in_place():
        comm.Allreduce(MPI.IN_PLACE, buf, op=MPI.SUM)

    def in_place_check():
        buf.fill(mine)
        in_place()
        expect_all(buf, expected, "mpi4py_in_place allreduce")
        buf.fill(0.0)

    variants = [("mpi4py_buffer", buffer, buffer_check),
                ("mpi4py_in_place", in_place, in_place_check)]
    if n == 1:
        def pickle():
            return comm.allreduce(mine)

        def pickle_check():
            expect_all(pickle(), expected, "mpi4py_pickle allreduce")
        variants.append(("mpi4py_pickle", pickle, pickle_check))
    return variants


def bcast_variants(comm, n: int) -> list[tuple[str, object, object]]:
    root = comm.Get_rank() == 0
    buf = np.full(n, 1.5 if root else 0.0)

    def buffer():
        comm.Bcast(buf, root=0)

    def buffer_check():
        if not root:
            buf.fill(0.0)
        buffer()
        expect_all(buf, 1.5, "mpi4py_buffer bcast")

    variants = [("mpi4py_buffer", buffer, buffer_check)]
    if n == 1:
        value = 1.5 if root else None

        def pickle():
            return comm.bcast(value, root=0)

        def pickle_check():
            expect_all(pickle(), 1.5, "mpi4py_pickle bcast")
        variants.append(("mpi4py_pickle", pickle, pickle_check))
    return variants


def one_round(comm, variants, rng: random.Random, samples: list[list[float]] | None) -> None:
    """Every variant once, in an order shuffled by `rng` (seeded alike on every rank)."""
    order = list(range(len(variants)))
    rng.shuffle(order)
    for j in order:
        comm.Barrier()
        start = time.perf_counter()
        variants[j][1]()
        seconds = time.perf_counter() - start
        if samples is not None:
            samples[j].append(seconds)


def measure(comm, args, op: str, nbytes: int) -> None:
    n = nbytes // 8
    variants = allreduce_variants(comm, n) if op == "allreduce" else bcast_variants(comm, n)
    for _, _, check in variants:
        check()
    # Warm-up: one round to gauge, then enough rounds for about a tenth of the budget (at
    # least --warmup); reps from the median warm round, so one slow round cannot skew it.
    rng = random.Random(20261121)
    start = time.perf_counter()
    one_round(comm, variants, rng, None)
    first = time.perf_counter() - start
    warm = comm.bcast(min(max(math.ceil(0.1 * args.budget / max(first, 1e-9)), args.warmup),
                          1000), root=0)
    rounds = []
    for w in range(warm):
        start = time.perf_counter()
        one_round(comm, variants, rng, None)
        rounds.append(time.perf_counter() - start)
    per_round = float(np.median(rounds)) if rounds else first
    reps = min(max(math.ceil(args.budget / max(per_round, 1e-9)), args.min_reps), args.max_reps)
    reps = comm.bcast(reps, root=0)

    samples: list[list[float]] = [[] for _ in variants]
    for r in range(reps):
        one_round(comm, variants, rng, samples)
    for (name, _, _), mine in zip(variants, samples):
        slowest = np.zeros(reps)
        comm.Reduce(np.asarray(mine), slowest, op=MPI.MAX, root=0)
        if comm.Get_rank() != 0:
            continue
        median = float(np.quantile(slowest, 0.5))
        print(json.dumps({
            "bench": "collectives", "runtime": "mpi4py", "op": op, "variant": name,
            "ranks": comm.Get_size(), "bytes": nbytes, "count": n, "reps": reps,
            "thread_level": args.thread_level,
            "median_us": median * 1e6, "min_us": float(slowest.min()) * 1e6,
            "p25_us": float(np.quantile(slowest, 0.25)) * 1e6,
            "p75_us": float(np.quantile(slowest, 0.75)) * 1e6,
            "gbps": nbytes / median / 1e9,
        }), flush=True)


def parse_args(argv: list[str]):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", default="allreduce,bcast",
                        help="comma-separated: allreduce, bcast (both)")
    parser.add_argument("--min-bytes", type=int, default=8)
    parser.add_argument("--max-bytes", type=int, default=64 << 20)
    parser.add_argument("--budget", type=float, default=0.5,
                        help="seconds of timed rounds per (op, size) (0.5)")
    parser.add_argument("--min-reps", type=int, default=5)
    parser.add_argument("--max-reps", type=int, default=20_000)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args(argv)
    args.ops = [o for o in args.ops.split(",") if o]
    if any(o not in ("allreduce", "bcast") for o in args.ops):
        parser.error("--ops takes allreduce and bcast")
    if args.min_bytes < 8 or args.min_bytes % 8 or args.max_bytes % 8 or \
            args.max_bytes < args.min_bytes:
        parser.error("sizes must be whole doubles and min <= max")
    args.max_reps = max(args.max_reps, args.min_reps)
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    levels = {MPI.THREAD_SINGLE: "single", MPI.THREAD_FUNNELED: "funneled",
              MPI.THREAD_SERIALIZED: "serialized", MPI.THREAD_MULTIPLE: "multiple"}
    args.thread_level = levels.get(MPI.Query_thread(), "unknown")
    comm = MPI.COMM_WORLD
    for op in args.ops:
        for nbytes in sizes(args.min_bytes, args.max_bytes):
            measure(comm, args, op, nbytes)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
