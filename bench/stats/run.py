#!/usr/bin/python3
"""The statistics toolkit beside what users would pick instead, in one run.

Usage (from the repository root, with Debian's /usr/bin/python3, which has numpy and scipy;
this script builds nothing: it times the CLI of a Release build):

    /usr/bin/python3 bench/stats/run.py --build build             # a few minutes on 2 cores
    /usr/bin/python3 bench/stats/run.py --build build --quick     # smoke run, smaller sizes
    /usr/bin/python3 bench/stats/run.py --build build --markdown --out /tmp/stats.json

Each workload lives in a module of this folder (bootstrap.py, permutation.py, mcmc.py)
with `run(pardo, quick) -> rows`: pardo through its CLI at 1 and 2 workers (the seconds
the library measured, so reading the CSV and starting the pool are excluded), and the
peers (scipy.stats with vectorized=True, a plain numpy implementation) in this process on
the same data, each at its fastest batch size (the resamples drawn at once; scipy's default
is all of them). Every figure is the median of several repeats; pardo's 1- and 2-worker
runs alternate, so that a slow minute on a shared host hits both. The table gives each
peer's time over pardo's at 1 worker (the speed-up per core) and pardo's parallel
efficiency at 2 workers: t1 / (2 t2). For MCMC the peers are numpy vectorised across the
chains and a Python loop per step; pardo's figure is its sampling time, since the peers
compute no R-hat or ESS (the JSON keeps the total as "with_diagnostics").

The exit status is 0 whatever the figures (benchmarks are not tests), 2 when the pardo
binary or scipy is missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the modules share _timing.py
MODULES = ["bootstrap", "permutation", "mcmc"]


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"pardo_bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def summarise(rows: list[dict]) -> list[dict]:
    """One line per workload: pardo at 1 and 2 workers, the peers, ratios."""
    out = []
    for workload in dict.fromkeys(r["workload"] for r in rows):
        by = {r["runtime"]: r for r in rows if r["workload"] == workload}
        one = by.get("pardo-1", {}).get("seconds")
        two = by.get("pardo-2", {}).get("seconds")
        line = {"workload": workload,
                "size": next(iter(by.values())).get("size", ""),
                "pardo-1": one, "pardo-2": two,
                "efficiency-2": one / (2 * two) if one and two else None}
        for peer in ("scipy", "numpy", "numpy-loop"):
            seconds = by.get(peer, {}).get("seconds")
            line[peer] = seconds
            line[f"{peer}-batch"] = by.get(peer, {}).get("batch")
            line[f"{peer}/pardo-1"] = seconds / one if seconds and one else None
        out.append(line)
    return out


def fmt(value, unit="") -> str:
    if value is None:
        return "-"
    return f"{value:.3g}{unit}"


def peer_cell(line: dict, peer: str) -> str:
    batch = line[f"{peer}-batch"]
    return fmt(line[peer]) + (f" (batch {batch})" if line[peer] and batch else "")


def print_table(lines: list[dict], markdown: bool) -> None:
    head = ["workload", "size", "pardo 1 w (s)", "pardo 2 w (s)", "efficiency at 2",
            "scipy (s)", "scipy / pardo-1", "numpy (s)", "numpy / pardo-1", "numpy loop (s)",
            "numpy loop / pardo-1"]
    body = [[l["workload"], l["size"], fmt(l["pardo-1"]), fmt(l["pardo-2"]),
             fmt(l["efficiency-2"] and 100 * l["efficiency-2"], "%"), peer_cell(l, "scipy"),
             fmt(l["scipy/pardo-1"], "x"), peer_cell(l, "numpy"), fmt(l["numpy/pardo-1"], "x"),
             fmt(l["numpy-loop"]), fmt(l["numpy-loop/pardo-1"], "x")]
            for l in lines]
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for row in body:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
        for row in [head, *body]:
            print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build", help="build directory with bin/pardo")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--only", choices=MODULES, action="append", help="one workload")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--out", help="write the rows and summary as JSON here")
    args = parser.parse_args()

    pardo = Path(args.build) / "bin" / "pardo"
    if not os.access(pardo, os.X_OK):
        print(f"bench/stats: {pardo} not found; build it first (make build)", file=sys.stderr)
        return 2
    try:
        import scipy  # noqa: F401
    except ImportError:
        print("bench/stats: scipy is missing (apt-get install python3-scipy)", file=sys.stderr)
        return 2

    rows: list[dict] = []
    for name in args.only or MODULES:
        print(f"bench/stats: {name} ...", file=sys.stderr, flush=True)
        rows += load(name).run(str(pardo), args.quick)
    lines = summarise(rows)
    print(f"machine: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print_table(lines, args.markdown)
    if args.out:
        Path(args.out).write_text(json.dumps({"rows": rows, "summary": lines}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
