#!/usr/bin/python3
"""What --checkpoint costs an undisturbed run, and what --resume costs to start.

Usage (from the repository root; this script builds nothing: it times the CLI of a Release
build):

    /usr/bin/python3 bench/checkpoint/run.py --build build            # about 3 minutes on 2 cores
    /usr/bin/python3 bench/checkpoint/run.py --build build --quick    # smoke run
    /usr/bin/python3 bench/checkpoint/run.py --build build --reps 7 --markdown
    /usr/bin/python3 bench/checkpoint/run.py --build build --workloads mcmc

For each workload (pi, whose blocks return one count; bootstrap, whose blocks return ten
thousand statistics each, so that its checkpoint is megabytes; mcmc, whose 8 chains are kept
part-way, draws so far and state, 64 MB when done), the same command runs
  - plain;
  - with --checkpoint and --checkpoint-every 3600: the first write and each block's output
    encoded as it finishes (mcmc: the chains kept as they end), one last write, none while
    the run lasts (what a run checkpointed once a minute pays between writes);
  - written often: --checkpoint-every 0, a write (snapshot, fsync, rename) after every block;
    mcmc --checkpoint-every 0.25, every chain kept and written four times a second;
  - with --resume of a complete checkpoint: every block restored, none run (the cost of a
    restart before the first block runs).
Every configuration runs --reps times, interleaved in random order; the figure is the median
of the run's own `run.seconds` (start-up and reading excluded). From them: the recording's
share of a plain run; one write's cost, (often - every-3600) / writes (writes: the blocks, or
mcmc's seconds / 0.25); and the overhead projected at one checkpoint a minute, recording share
+ one write / 60 s (the target: under 1%). The exit status is 0 whatever the figures:
benchmarks are not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from table import print_table  # noqa: E402  (bench/table.py)

REPO_ROOT = Path(__file__).resolve().parents[2]


def workloads(quick: bool, data: Path, only: str) -> dict[str, list[str]]:
    scale = 10 if quick else 1
    chosen = only.split(",")
    return {name: argv for name, argv in all_workloads(scale, data).items() if name in chosen}


def all_workloads(scale: int, data: Path) -> dict[str, list[str]]:
    return {
        "pi": ["pi", "--samples", str(int(4e10 / scale)), "--block-size", str(2**26),
               "--seed", "1"],
        "bootstrap": ["bootstrap", str(data), "--resamples", str(int(2e6 / scale)),
                      "--block-size", "10000", "--method", "percentile", "--seed", "1"],
        "mcmc": ["mcmc", "--dim", "10", "--chains", "8", "--draws", str(int(1e5 / scale)),
                 "--seed", "1"],
    }


# Seconds between the writes of the "often" configuration: 0, after every block, except for
# mcmc, whose chains are written whole each time.
OFTEN = {"mcmc": 0.25}


def run_json(argv: list[str]) -> dict:
    out = subprocess.run(argv, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=REPO_ROOT / "build")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--workloads", default="pi,bootstrap,mcmc",
                        help="which to run, comma-separated (default: all three)")
    args = parser.parse_args()
    pardo = args.build / "bin" / "pardo"
    if not pardo.exists():
        print(f"run.py: {pardo} is missing: build it first", file=sys.stderr)
        return 2
    data = REPO_ROOT / "examples" / "data" / "heights.csv"
    scratch = Path(tempfile.mkdtemp(prefix="pardo-ckpt-bench-"))
    common = ["--workers", str(args.workers), "--json", "-q"]
    configs = {
        "plain": lambda name, ckpt: [],
        "every 3600 s": lambda name, ckpt: ["--checkpoint", ckpt, "--checkpoint-every", "3600"],
        "often": lambda name, ckpt: ["--checkpoint", ckpt, "--checkpoint-every",
                                     str(OFTEN.get(name, 0))],
        "resume, all done": lambda name, ckpt: ["--resume", ckpt + ".complete"],
    }
    seconds: dict[tuple[str, str], list[float]] = {}
    blocks: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for name, argv in workloads(args.quick, data, args.workloads).items():
        ckpt = str(scratch / f"{name}.ckpt")
        # The last write of a run that ended holds every block.
        done = run_json([str(pardo), *argv, *common, "--checkpoint", ckpt + ".complete"])
        blocks[name] = done["run"]["blocks"]["total"]
        sizes[name] = os.path.getsize(ckpt + ".complete")
    plan = [(w, c) for w in workloads(args.quick, data, args.workloads) for c in configs] * args.reps
    random.Random(7).shuffle(plan)
    for i, (name, config) in enumerate(plan, 1):
        print(f"  [{i}/{len(plan)}] {name}, {config}", file=sys.stderr, flush=True)
        argv = workloads(args.quick, data, args.workloads)[name]
        ckpt = str(scratch / f"{name}.ckpt")
        result = run_json([str(pardo), *argv, *common, *configs[config](name, ckpt)])
        seconds.setdefault((name, config), []).append(result["run"]["seconds"])
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"{args.workers} workers, median of {args.reps}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    header = ["workload", "blocks", "checkpoint", "config", "median s", "vs plain"]
    rows = []
    for name in workloads(args.quick, data, args.workloads):
        plain = statistics.median(seconds[(name, "plain")])
        for config in configs:
            m = statistics.median(seconds[(name, config)])
            size = sizes[name]
            shown = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.1f} kB"
            rows.append([name, str(blocks[name]), shown, config,
                         f"{m:.3f}", f"{(m / plain - 1) * 100:+.2f}%"])
        recording = statistics.median(seconds[(name, "every 3600 s")]) / plain - 1
        often = statistics.median(seconds[(name, "often")])
        writes = often / OFTEN[name] if name in OFTEN else blocks[name]
        per_write = (often - statistics.median(seconds[(name, "every 3600 s")])) / writes
        projected = recording + per_write / 60
        rows.append([name, "", "", "one write", f"{per_write * 1e3:.2f} ms", ""])
        rows.append([name, "", "", "projected at 1 write/min", "",
                     f"{projected * 100:+.2f}% ({'met' if projected < 0.01 else 'NOT met'})"])
    print_table(header, rows, args.markdown)
    for path in scratch.iterdir():
        path.unlink()
    scratch.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
