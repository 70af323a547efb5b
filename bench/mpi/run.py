#!/usr/bin/python3
"""MPI: pardo::mpi's collectives, pi and Laplace beside raw MPI and mpi4py, in one run.

Usage (from the repository root, with Debian's /usr/bin/python3, which has numpy and
python3-mpi4py; this script builds nothing: the C++ side comes from a build with
-DPARDO_BUILD_BENCHMARKS=ON, targets pardo_cli, bench_mpi_collectives, bench_mpi_pi_reference):

    /usr/bin/python3 bench/mpi/run.py --build build               # about 4 minutes on 2 cores
    /usr/bin/python3 bench/mpi/run.py --build build --quick       # smoke run, under a minute
    /usr/bin/python3 bench/mpi/run.py --build build --reps 5 --out /tmp/mpi.json --markdown

Every program runs under `mpirun --oversubscribe -np N` with OMPI_ALLOW_RUN_AS_ROOT=1,
OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 and OMPI_MCA_btl_vader_single_copy_mechanism=none set
(Open MPI's shared-memory transport without CMA, which containers usually forbid).

(a) Collectives, at --ranks-collectives (2 and 4) ranks: allreduce (sum of doubles) and
bcast (root 0) from 8 B to 64 MiB, by <build>/bin/bench_mpi_collectives (raw MPI, pardo
checked, pardo unchecked(), interleaved in one process) and python/collectives_mpi4py.py
(mpi4py's buffer API, and its pickle API at 8 B). Medians of per-call times, the maximum
over ranks of each call after a barrier; each program spends about --budget seconds per
(op, size), split over --collective-runs alternating runs (C++, mpi4py, C++, mpi4py: a slow
phase of the machine falls on both); the table keeps the median of the runs' medians.
(b) Monte Carlo pi at 1, 2 and 4 ranks: `pardo pi --backend mpi` (the CLI), the plain-MPI
reference bench_mpi_pi_reference (pardo's block kernel, static blocks, MPI_Reduce) on the
same samples, and python/pi_mpi4py.py (numpy, fewer samples: compare per sample). Median
of --reps runs, interleaved; seconds are each program's own timing (MPI start-up excluded).
(c) Laplace, Jacobi on a 512 x 512 grid for exactly 2000 sweeps (--tol 1e-12 is never
reached): `pardo laplace --backend mpi` at 1, 2 and 4 ranks, and --backend serial and
threads -w 2 without mpirun. Median seconds per iteration of --reps runs.

A program that is missing or fails (for instance a CLI without `--backend mpi` yet) is
reported as such and the rest goes on. The exit status is 0 whatever the figures
(benchmarks are not tests), 2 when bench_mpi_collectives, mpirun or mpi4py is missing.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PY_COLLECTIVES = HERE / "python" / "collectives_mpi4py.py"
PY_PI = HERE / "python" / "pi_mpi4py.py"
BUILD_HINT = ("cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPARDO_BUILD_BENCHMARKS=ON && "
              "cmake --build build -j2 --target pardo_cli bench_mpi_collectives "
              "bench_mpi_pi_reference")
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_btl_vader_single_copy_mechanism": "none"}
TIMEOUT_S = 600
TARGET_WITHIN = 1.05  # collectives within 5% of raw MPI


@dataclass(frozen=True)
class Plan:
    budget: float          # seconds per (op, size) in each collectives program
    max_bytes: int
    pi_samples: int        # pardo CLI and the C reference
    pi_samples_py: int     # mpi4py + numpy (about 15x slower per sample)
    laplace_n: int
    laplace_iterations: int


FULL = Plan(0.4, 64 << 20, 2_000_000_000, 100_000_000, 512, 2000)
QUICK = Plan(0.05, 2 << 20, 500_000_000, 25_000_000, 256, 500)


@dataclass
class Run:
    """One program run: its command, and its JSON rows or why there are none."""
    kind: str
    label: str
    ranks: int
    argv: list[str]
    rows: list[dict] = field(default_factory=list)
    error: str | None = None
    wall: float | None = None
    ok_codes: tuple[int, ...] = (0,)  # `pardo laplace` exits 1 when not converged: expected


# --------------------------------------------------------------------------------------
# Running


def mpirun(ranks: int, argv: list[str]) -> list[str]:
    return ["mpirun", "--oversubscribe", "-np", str(ranks), *argv]


def json_rows(stdout: str) -> list[dict]:
    rows = []
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            rows.append({**obj.get("run", {}), **obj})  # pardo's "run" read as top-level keys
    return rows


def execute(run: Run, log_prefix: str) -> None:
    print(f"run.py: {log_prefix} $ " + " ".join(run.argv), file=sys.stderr, flush=True)
    env = dict(os.environ, **MPI_ENV)
    start = time.monotonic()
    try:
        proc = subprocess.run(run.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=REPO_ROOT, timeout=TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired:
        run.error = f"timed out after {TIMEOUT_S} s"
    except OSError as e:
        run.error = str(e)
    else:
        run.wall = time.monotonic() - start
        run.rows = json_rows(proc.stdout)
        if proc.returncode not in run.ok_codes or not run.rows:
            lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
            err = next((ln for ln in lines if "pardo" in ln or "rror" in ln),
                       lines[-1] if lines else "")
            run.error = (f"exit status {proc.returncode}" if proc.returncode
                         else "no JSON in its output") + (f": {err.strip()[:200]}" if err else "")
            run.rows = []
    if run.error:
        print(f"run.py:   failed: {run.error}", file=sys.stderr, flush=True)


def run_series(runs: list[Run], started: float) -> None:
    """Runs in order, skipping the later runs of a (kind, label) whose first run failed."""
    broken: set[tuple[str, str]] = set()
    for i, run in enumerate(runs, 1):
        if (run.kind, run.label) in broken:
            run.error = "skipped: an earlier run of it failed"
            continue
        execute(run, f"[{i}/{len(runs)}, {time.monotonic() - started:.0f} s]")
        if run.error:
            broken.add((run.kind, run.label))


# --------------------------------------------------------------------------------------
# Plans


def collective_runs(args, plan: Plan) -> list[Run]:
    """--collective-runs alternations of the C++ and the mpi4py program at each rank count,
    each run with its share of the budget: a slow phase of the machine then falls on both."""
    k = args.collective_runs
    common = ["--budget", f"{plan.budget / k:.4g}", "--max-bytes", str(plan.max_bytes),
              "--min-reps", str(max(3, -(-5 // k)))]
    runs = []
    for _ in range(k):
        for n in args.ranks_collectives:
            runs.append(Run("collectives", "pardo+mpi", n, mpirun(
                n, [str(args.build / "bin" / "bench_mpi_collectives"), *common])))
            runs.append(Run("collectives", "mpi4py", n,
                            mpirun(n, [sys.executable, str(PY_COLLECTIVES), *common])))
    return runs


PI_LABELS = {"pardo": "pardo CLI (--backend mpi)", "c_ref": "C + MPI reference",
             "mpi4py": "mpi4py + numpy"}


def pi_runs(args, plan: Plan) -> list[Run]:
    pardo = str(args.build / "bin" / "pardo")
    ref = str(args.build / "bin" / "bench_mpi_pi_reference")
    runs = []
    for rep in range(args.reps):
        for n in args.ranks_scaling:
            runs += [
                Run("pi", "pardo", n, mpirun(n, [pardo, "pi", "--backend", "mpi", "--samples",
                                                 str(plan.pi_samples), "--json", "--quiet"])),
                Run("pi", "c_ref", n, mpirun(n, [ref, "--samples", str(plan.pi_samples)])),
                Run("pi", "mpi4py", n, mpirun(n, [sys.executable, str(PY_PI), "--samples",
                                                  str(plan.pi_samples_py)])),
            ]
    return runs


def laplace_runs(args, plan: Plan) -> list[Run]:
    pardo = str(args.build / "bin" / "pardo")
    problem = ["laplace", "--nx", str(plan.laplace_n), "--ny", str(plan.laplace_n), "--tol",
               "1e-12", "--max-iterations", str(plan.laplace_iterations), "--json"]
    runs = []
    for rep in range(args.reps):
        runs.append(Run("laplace", "serial", 1, [pardo, *problem, "--backend", "serial"]))
        runs.append(Run("laplace", "threads", 2, [pardo, *problem, "--backend", "threads",
                                                  "-w", "2"]))
        for n in args.ranks_scaling:
            runs.append(Run("laplace", "mpi", n, mpirun(n, [pardo, *problem, "--backend",
                                                            "mpi"])))
    for run in runs:
        run.ok_codes = (0, 1)  # 1: not converged, as planned (the tolerance is out of reach)
    return runs


# --------------------------------------------------------------------------------------
# Reporting


def table(headers: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(headers) + " |",
                 "|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|"]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(r[i]) for r in [headers] + rows) for i in range(len(headers))]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def fmt(x: float | None, suffix: str = "", digits: int = 3) -> str:
    if x is None:
        return "-"
    if abs(x) >= 10 ** digits:
        return f"{x:,.0f}{suffix}"  # 12,345 rather than 1.23e+04
    return f"{x:.{digits}g}{suffix}"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def size_label(nbytes: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= scale and nbytes % scale == 0:
            return f"{nbytes // scale} {unit}"
    return f"{nbytes} B"


def collectives_index(runs: list[Run]) -> dict:
    """(op, ranks, variant, bytes) -> µs: the median over runs of each run's median."""
    values: dict[tuple, list[float]] = {}
    for run in runs:
        for row in run.rows:
            if row.get("bench") == "collectives":
                key = (row["op"], row["ranks"], row["variant"], row["bytes"])
                values.setdefault(key, []).append(row["median_us"])
    return {k: statistics.median(v) for k, v in values.items()}


# (column header, variant) and ratios (header, numerator, denominator) per collectives table.
COLLECTIVE_TABLES = [
    ("allreduce, in place (sum of doubles; µs, median per call)", "allreduce",
     [("MPI_IN_PLACE", "mpi_in_place"), ("pardo", "pardo_in_place"),
      ("pardo unchecked", "pardo_in_place_unchecked"), ("mpi4py", "mpi4py_in_place")],
     [("pardo/raw", "pardo_in_place", "mpi_in_place"),
      ("unchecked/raw", "pardo_in_place_unchecked", "mpi_in_place"),
      ("mpi4py/pardo", "mpi4py_in_place", "pardo_in_place"),
      ("mpi4py/unchecked", "mpi4py_in_place", "pardo_in_place_unchecked")]),
    ("allreduce into another buffer: raw MPI and mpi4py's Allreduce(send, recv) into a "
     "preallocated one; pardo's allreduce(range) returning a new std::vector, beside raw "
     "MPI into a new std::vector per call (µs)", "allreduce",
     [("MPI send->recv", "mpi"), ("MPI into new vector", "mpi_vector"),
      ("pardo vector", "pardo_vector"), ("pardo vector unchecked", "pardo_vector_unchecked"),
      ("mpi4py Allreduce", "mpi4py_buffer"), ("mpi4py allreduce (pickle)", "mpi4py_pickle")],
     [("vector/raw vector", "pardo_vector", "mpi_vector"),
      ("unchecked/raw vector", "pardo_vector_unchecked", "mpi_vector"),
      ("mpi4py/raw send->recv", "mpi4py_buffer", "mpi"),
      ("mpi4py/pardo vector", "mpi4py_buffer", "pardo_vector")]),
    ("bcast from rank 0 (µs, median per call)", "bcast",
     [("MPI_Bcast", "mpi"), ("pardo span", "pardo_span"),
      ("pardo unchecked", "pardo_span_unchecked"), ("pardo vector", "pardo_vector"),
      ("mpi4py Bcast", "mpi4py_buffer"), ("mpi4py bcast (pickle)", "mpi4py_pickle")],
     [("pardo/raw", "pardo_span", "mpi"), ("unchecked/raw", "pardo_span_unchecked", "mpi"),
      ("mpi4py/pardo", "mpi4py_buffer", "pardo_span"),
      ("mpi4py/unchecked", "mpi4py_buffer", "pardo_span_unchecked")]),
]


def collectives_report(runs: list[Run], ranks: list[int], markdown: bool) -> str:
    index = collectives_index(runs)
    sizes = sorted({k[3] for k in index})
    out = []
    for title, op, columns, ratios in COLLECTIVE_TABLES:
        for n in ranks:
            rows = []
            for b in sizes:
                cells = [size_label(b)]
                cells += [fmt(index.get((op, n, v, b))) for _, v in columns]
                cells += [fmt(ratio(index.get((op, n, a, b)), index.get((op, n, d, b))), "x")
                          for _, a, d in ratios]
                rows.append(cells)
            if rows:
                out.append(f"{title}, {n} ranks\n"
                           + table(["size"] + [h for h, _ in columns] + [h for h, _, _ in ratios],
                                   rows, markdown))
    return "\n\n".join(out) if out else "Collectives: no data"


def collectives_targets(runs: list[Run], ranks: list[int]) -> str:
    """Within 5% of raw MPI at every size, and faster than mpi4py at every size."""
    index = collectives_index(runs)
    sizes = sorted({k[3] for k in index})
    lines = []
    checks = [("allreduce", "pardo_in_place", "mpi_in_place", "mpi4py_in_place"),
              ("bcast", "pardo_span", "mpi", "mpi4py_buffer")]
    for op, pardo, raw, py in checks:
        for n in ranks:
            for suffix, name in (("", "checked"), ("_unchecked", "unchecked")):
                r = {b: ratio(index.get((op, n, pardo + suffix, b)), index.get((op, n, raw, b)))
                     for b in sizes}
                p = {b: ratio(index.get((op, n, py, b)), index.get((op, n, pardo + suffix, b)))
                     for b in sizes}
                r = {b: x for b, x in r.items() if x is not None}
                p = {b: x for b, x in p.items() if x is not None}
                if not r:
                    continue
                slow = [size_label(b) + f" ({x:.2f}x)" for b, x in r.items()
                        if x > TARGET_WITHIN]
                behind = [size_label(b) + f" ({x:.2f}x)" for b, x in p.items() if x < 1.0]
                lines.append(
                    f"{'PASS' if not slow else 'FAIL'}  {op} {name}, {n} ranks, within 5% of "
                    f"raw MPI: {len(r) - len(slow)}/{len(r)} sizes"
                    + (f"; over at {', '.join(slow)}" if slow else ""))
                if p:
                    lines.append(
                        f"{'PASS' if not behind else 'FAIL'}  {op} {name}, {n} ranks, faster "
                        f"than mpi4py: {len(p) - len(behind)}/{len(p)} sizes"
                        + (f"; mpi4py/pardo below 1 at {', '.join(behind)}" if behind else ""))
    return "Collectives against the targets\n" + "\n".join(lines)


def medians(runs: list[Run], kind: str, key: str) -> dict:
    """(label, ranks) -> (median of row[key] over successful runs, the rows)."""
    groups: dict[tuple[str, int], list[dict]] = {}
    for run in runs:
        if run.kind == kind and run.rows:
            groups.setdefault((run.label, run.ranks), []).append(run.rows[-1])
    return {k: (statistics.median(r[key] for r in rows if isinstance(r.get(key), (int, float))),
                rows) for k, rows in groups.items()
            if any(isinstance(r.get(key), (int, float)) for r in rows)}


def pi_report(runs: list[Run], ranks: list[int], plan: Plan, markdown: bool) -> str:
    med = medians(runs, "pi", "seconds")
    rows = []
    for n in ranks:
        s = {k: med.get((k, n), (None, []))[0] for k in PI_LABELS}
        per_sample_ns = {"pardo": ratio(s["pardo"], plan.pi_samples / 1e9),
                         "c_ref": ratio(s["c_ref"], plan.pi_samples / 1e9),
                         "mpi4py": ratio(s["mpi4py"], plan.pi_samples_py / 1e9)}
        speedup = {k: ratio(med.get((k, ranks[0]), (None,))[0], s[k]) for k in PI_LABELS}
        rows.append([str(n), fmt(s["pardo"]), fmt(s["c_ref"]), fmt(s["mpi4py"]),
                     fmt(ratio(s["pardo"], s["c_ref"]), "x"),
                     fmt(ratio(per_sample_ns["mpi4py"], per_sample_ns["pardo"]), "x"),
                     fmt(speedup["pardo"], "x"), fmt(speedup["c_ref"], "x"),
                     fmt(speedup["mpi4py"], "x")])
    estimates = {}
    for (label, n), (_, rs) in med.items():
        for r in rs:
            if "estimate" in r:
                estimates.setdefault(label, set()).add(f"{r['estimate']:.10f}")
    notes = [f"  {PI_LABELS[k]}: " + ", ".join(sorted(v)) for k, v in estimates.items()]
    workers = sorted({r.get("workers") for (label, _), (_, rs) in med.items() if label == "pardo"
                      for r in rs if "workers" in r}, key=str)
    return (f"Monte Carlo pi: median seconds (pardo and C reference {plan.pi_samples:.0e} "
            f"samples, mpi4py {plan.pi_samples_py:.0e}; mpi4py/pardo is per sample)\n"
            + table(["ranks", "pardo s", "C ref s", "mpi4py s", "pardo/C ref",
                     "mpi4py/pardo per sample", f"pardo speedup vs {ranks[0]}",
                     f"C ref speedup vs {ranks[0]}", f"mpi4py speedup vs {ranks[0]}"],
                    rows, markdown)
            + "\nEstimates (distinct values over all runs):\n" + "\n".join(notes)
            + (f"\npardo CLI reports workers: {workers}" if workers else ""))


def laplace_report(runs: list[Run], ranks: list[int], plan: Plan, markdown: bool) -> str:
    med = medians(runs, "laplace", "seconds_per_iteration")
    configs = [("serial", 1, "serial"), ("threads", 2, "threads -w 2")]
    configs += [("mpi", n, f"mpi, {n} rank{'s' if n > 1 else ''}") for n in ranks]
    serial = med.get(("serial", 1), (None,))[0]
    mpi1 = med.get(("mpi", ranks[0]), (None,))[0]
    rows = []
    for label, n, name in configs:
        value, rs = med.get((label, n), (None, []))
        last = rs[-1] if rs else {}
        rows.append([name, fmt(value * 1e3 if value else None, "", 4),
                     fmt(ratio(serial, value), "x"),
                     fmt(ratio(mpi1, value), "x") if label == "mpi" else "",
                     str(last.get("iterations", "-")), fmt(last.get("residual")),
                     fmt(last.get("max_error"))])
    return (f"Laplace, {plan.laplace_n} x {plan.laplace_n}, {plan.laplace_iterations} Jacobi "
            "sweeps: median ms per iteration\n"
            + table(["backend", "ms/iteration", "speedup vs serial",
                     f"speedup vs mpi {ranks[0]}", "iterations", "residual", "max error"],
                    rows, markdown))


def machine_info() -> dict:
    model = ""
    try:
        out = subprocess.run(["lscpu"], stdout=subprocess.PIPE, text=True).stdout
        model = next((ln.split(":", 1)[1].strip() for ln in out.splitlines()
                      if ln.startswith("Model name")), "")
    except OSError:
        pass
    version = ""
    try:
        version = subprocess.run(["mpirun", "--version"], stdout=subprocess.PIPE,
                                 text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        pass
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "platform": platform.platform(),
            "cpu": model, "cpus": os.cpu_count(), "mpi": version, "python": sys.executable,
            "python_version": platform.python_version(), "load_before": os.getloadavg()[0]}


# --------------------------------------------------------------------------------------


def rank_list(text: str) -> list[int]:
    values = [int(x) for x in text.split(",") if x.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of positive rank counts")
    return values


def parse_args(argv: list[str]):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Run with /usr/bin/python3 (numpy, mpi4py).")
    parser.add_argument("--build", type=Path, default=REPO_ROOT / "build",
                        help="build directory whose bin/ holds the programs (build)")
    parser.add_argument("--reps", type=int, default=3,
                        help="runs of each pi and Laplace configuration; the median is kept (3)")
    parser.add_argument("--budget", type=float, default=None,
                        help="collectives: seconds per (op, size) per program (0.4; quick 0.05)")
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes, samples and grids, for a smoke run")
    parser.add_argument("--collective-runs", type=int, default=None,
                        help="alternating runs of each collectives program per rank count, "
                        "sharing the budget; the median of their medians is kept (2; quick 1)")
    parser.add_argument("--ranks-collectives", type=rank_list, default=[2, 4])
    parser.add_argument("--ranks-scaling", type=rank_list, default=[1, 2, 4],
                        help="rank counts for pi and Laplace (1,2,4)")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: "
                        "collectives, pi, laplace")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="save every JSON row collected here")
    parser.add_argument("--report", type=Path, default=None, metavar="FILE",
                        help="run nothing: print the tables of a file saved with --out")
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error("--reps must be positive")
    args.build = args.build if args.build.is_absolute() else REPO_ROOT / args.build
    args.skip = {s for s in args.skip.split(",") if s}
    if args.collective_runs is None:
        args.collective_runs = 1 if args.quick else 2
    if args.collective_runs < 1:
        parser.error("--collective-runs must be positive")
    return args


def print_report(args, plan: Plan, info: dict, parts: dict[str, list[Run]]) -> None:
    print(f"{info['cpu']} ({info['cpus']} CPUs), {info['platform']}; {info['mpi']}; python "
          f"{info['python_version']}; load average {info['load_before']:.2f} before, "
          f"{info['load_after']:.2f} after; {info['date']}; {info['seconds']:.0f} s")
    if parts["collectives"]:
        print()
        print(collectives_report(parts["collectives"], args.ranks_collectives, args.markdown))
        print()
        print(collectives_targets(parts["collectives"], args.ranks_collectives))
    if parts["pi"]:
        print()
        print(pi_report(parts["pi"], args.ranks_scaling, plan, args.markdown))
    if parts["laplace"]:
        print()
        print(laplace_report(parts["laplace"], args.ranks_scaling, plan, args.markdown))
    failed = {}
    for runs in parts.values():
        for run in runs:
            if run.error and not run.error.startswith("skipped"):
                failed.setdefault(" ".join(run.argv), run.error)
    if failed:
        print("\nFailed runs\n" + "\n".join(f"  $ {cmd}\n    {err}" for cmd, err in failed.items()))


def report_saved(args) -> int:
    saved = json.loads(args.report.read_text())
    plan = Plan(**saved["plan"])
    parts: dict[str, list[Run]] = {"collectives": [], "pi": [], "laplace": []}
    for r in saved["runs"]:
        run = Run(r["kind"], r["label"], r["ranks"], r["argv"], r["rows"], r["error"],
                  r["wall_seconds"])
        parts[run.kind].append(run)
    # The rank counts of the saved run, not this command line's defaults.
    if parts["collectives"]:
        args.ranks_collectives = sorted({r.ranks for r in parts["collectives"]})
    scaling = {r.ranks for r in parts["pi"]} | {r.ranks for r in parts["laplace"]
                                                 if r.label == "mpi"}
    if scaling:
        args.ranks_scaling = sorted(scaling)
    print_report(args, plan, saved["machine"], parts)
    return 0


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.report:
        return report_saved(args)
    collectives_bin = args.build / "bin" / "bench_mpi_collectives"
    if not (collectives_bin.is_file() and os.access(collectives_bin, os.X_OK)):
        print(f"run.py: {collectives_bin} not found; build it with\n    {BUILD_HINT}\n"
              "or point --build at the build directory that has it", file=sys.stderr)
        return 2
    if shutil.which("mpirun") is None:
        print("run.py: mpirun not found (Open MPI: apt-get install openmpi-bin)", file=sys.stderr)
        return 2
    for module in ("numpy", "mpi4py"):
        if importlib.util.find_spec(module) is None:
            print(f"run.py: {sys.executable} has no {module}; run this with /usr/bin/python3 "
                  "(python3-numpy, python3-mpi4py)", file=sys.stderr)
            return 2

    plan = QUICK if args.quick else FULL
    if args.budget is not None:
        plan = dataclasses.replace(plan, budget=args.budget)
    info = machine_info()
    started = time.monotonic()
    parts = {"collectives": collective_runs(args, plan), "pi": pi_runs(args, plan),
             "laplace": laplace_runs(args, plan)}
    for name, runs in parts.items():
        if name not in args.skip:
            run_series(runs, started)
    info["load_after"] = os.getloadavg()[0]
    info["seconds"] = time.monotonic() - started

    print_report(args, plan, info, {k: ([] if k in args.skip else v) for k, v in parts.items()})
    if args.out:
        args.out.write_text(json.dumps({
            "machine": info, "plan": dataclasses.asdict(plan), "reps": args.reps,
            "runs": [{"kind": r.kind, "label": r.label, "ranks": r.ranks, "argv": r.argv,
                      "wall_seconds": r.wall, "error": r.error, "rows": r.rows}
                     for name, runs in parts.items() if name not in args.skip for r in runs],
        }, indent=1) + "\n")
        print(f"run.py: wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
