#!/usr/bin/env python3
"""Monte Carlo pi on an NVIDIA GPU from Python: numba.cuda or CuPy, as their users write it.

    python3 bench/pi/python/pi_gpu.py --mode numba_cuda --samples 100000000000 --seed 42
    python3 bench/pi/python/pi_gpu.py --mode cupy --samples 100000000000 --seed 42

numba_cuda: the textbook kernel, one xoroshiro128+ state a thread
(numba.cuda.random.create_xoroshiro128p_states), each thread drawing its share of the points
with xoroshiro128p_uniform_float32 and counting them into its own slot, the slots summed on
the device. cupy: batches of 2^27 points of float32 pairs from
cupy.random.Generator(cupy.random.Philox4x3210(seed)), counted with one array expression
(x * x + y * y < 1).sum(). Each is run once on a small input first (compilation, the
context, the generator's set-up); seconds is the wall time of the timed run only. Exit 3
with a message where the package or a GPU is missing.
"""

from __future__ import annotations

import sys
import time

from _common import emit, parse_args

BATCH = 1 << 27


def numba_cuda(samples: int, seed: int) -> tuple[int, float, int]:
    import numpy as np
    from numba import cuda
    from numba.cuda.random import create_xoroshiro128p_states, xoroshiro128p_uniform_float32

    @cuda.jit
    def count(states, per_thread, hits):
        i = cuda.grid(1)
        inside = 0
        for _ in range(per_thread):
            x = xoroshiro128p_uniform_float32(states, i)
            y = xoroshiro128p_uniform_float32(states, i)
            if x * x + y * y < 1.0:
                inside += 1
        hits[i] = inside

    threads = cuda.get_current_device().MULTIPROCESSOR_COUNT * 2048
    states = create_xoroshiro128p_states(threads, seed=seed)
    hits = cuda.device_array(threads, dtype=np.int64)
    count[threads // 256, 256](states, 1, hits)
    cuda.synchronize()
    per_thread = samples // threads
    start = time.perf_counter()
    count[threads // 256, 256](states, per_thread, hits)
    total = int(hits.sum())  # hits.sum() runs on the device and waits for the kernel
    return total, time.perf_counter() - start, per_thread * threads


def cupy_philox(samples: int, seed: int) -> tuple[int, float, int]:
    import cupy

    generator = cupy.random.Generator(cupy.random.Philox4x3210(seed))
    xy = generator.random((2, 1024), dtype=cupy.float32)
    int((xy[0] * xy[0] + xy[1] * xy[1] < 1).sum())
    start = time.perf_counter()
    total = cupy.zeros((), dtype=cupy.int64)
    for done in range(0, samples, BATCH):
        n = min(BATCH, samples - done)
        xy = generator.random((2, n), dtype=cupy.float32)
        total += (xy[0] * xy[0] + xy[1] * xy[1] < 1).sum()
    hits = int(total)
    return hits, time.perf_counter() - start, samples


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], workers=False, modes=("numba_cuda", "cupy"))
    try:
        run = numba_cuda if args.mode == "numba_cuda" else cupy_philox
        hits, seconds, samples = run(args.samples, args.seed)
    except Exception as e:  # a missing package, driver or device: say which, exit 3
        print(f"pi_gpu.py --mode {args.mode}: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(3)
    emit(args.mode, 1, samples, hits, seconds)


if __name__ == "__main__":
    main()
