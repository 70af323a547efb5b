#!/usr/bin/python3
"""Monte Carlo pi with mpi4py and numpy: the Python peer of `pardo pi --backend mpi`.

Run under mpirun with Debian's /usr/bin/python3 (python3-mpi4py, numpy):

    mpirun -np 2 /usr/bin/python3 bench/mpi/python/pi_mpi4py.py --samples 2e8

The samples are cut into blocks of --block-size (4Mi, pardo's default); block b has
min(block, samples - b * block) samples and draws them from its own generator,
numpy.random.default_rng([seed, b]) (PCG64), in chunks of at most 1M points to bound
memory, counting x*x + y*y < 1. Rank r takes the blocks b with b % size == r; one
comm.reduce of the hit counts to rank 0. The streams differ from pardo's Philox streams, so
the estimate differs from pardo's, but it is the same for any number of ranks.

Timed on rank 0 from after comm.Barrier() to the end of the reduce (numpy and mpi4py are
imported before); rank 0 prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

# The numpy kernel of bench/pi, unchanged: the same work per sample as the numpy peer there.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "pi" / "python"))
from pi_numpy import count_inside  # noqa: E402


def count_block(seed: int, block: int, samples: int) -> int:
    return count_inside(samples, np.random.default_rng([seed, block]))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=float, default=1e8, help="samples (1e8)")
    parser.add_argument("--block-size", type=int, default=1 << 22, help="samples per block")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    samples, block = int(args.samples), args.block_size
    if samples < 1 or block < 1:
        parser.error("--samples and --block-size must be positive")

    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    blocks = -(-samples // block)
    comm.Barrier()
    start = time.perf_counter()
    hits = sum(count_block(args.seed, b, min(block, samples - b * block))
               for b in range(rank, blocks, size))
    total = comm.reduce(hits, op=MPI.SUM, root=0)
    seconds = time.perf_counter() - start
    if rank == 0:
        print(json.dumps({"runtime": "mpi4py_numpy", "ranks": size, "samples": samples,
                          "block_samples": block, "seed": args.seed, "hits": total,
                          "estimate": 4.0 * total / samples, "seconds": seconds,
                          "samples_per_ns": samples / seconds / 1e9}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
