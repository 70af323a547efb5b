#!/usr/bin/env python3
"""Draws a scaling study: speed-up and efficiency against workers, measured (median, with the
repetitions' range), ideal, and the fitted law.

    plot_scaling.py STUDY.json OUT.png

`pardo scale --plot OUT.png` runs it on what `pardo scale --json` wrote. The benchmark
scripts in bench/ import it and call draw() with one series per runtime. Exits 3 with a
message if matplotlib is missing or the image cannot be written.
"""

import json
import sys
from dataclasses import dataclass


@dataclass
class Series:
    """One runtime's measurements: at workers[i], the median, fastest and slowest seconds."""

    label: str
    workers: list
    median: list
    fastest: list
    slowest: list
    in_fit: list | None = None  # False where the count exceeded the CPUs (pardo scale)


def amdahl_fraction(workers: list, speedup: list) -> float:
    """The serial fraction f of S(p) = 1 / (f + (1 - f) / p), least squares on 1/S, as
    pardo::scaling::fit_amdahl does it."""
    x = [1 - 1 / p for p in workers]
    y = [1 / s - 1 / p for p, s in zip(workers, speedup)]
    den = sum(v * v for v in x)
    return sum(a * b for a, b in zip(x, y)) / den if den else 0.0


def draw(series: list, png: str, title: str, weak: bool = False, fit: dict | None = None) -> None:
    """Speed-up (log-log) and efficiency against workers, each series against its own
    fewest-worker median, as pardo::scaling::speedups counts it. `fit` ({"law", "serial_fraction"}) draws that law for a single
    series; without it, each series' Amdahl serial fraction goes in its label (strong
    scaling). Raises ImportError without matplotlib and OSError if png cannot be written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    every = sorted({p for s in series for p in s.workers})
    lo, hi = every[0], every[-1]
    # Evenly spaced on the log axes.
    dense = [lo * (hi / lo) ** (i / 200) for i in range(201)]
    fig, (ax_s, ax_e) = plt.subplots(1, 2, figsize=(10, 4.2))
    ax_s.plot(dense, dense, color="0.6", linestyle="--", label="ideal")
    ax_e.axhline(1.0, color="0.6", linestyle="--", label="ideal")
    top = 1.0
    for i, s in enumerate(series):
        colour = f"C{i}"
        base = s.workers.index(min(s.workers))
        ref = s.median[base]
        work = [p if weak else s.workers[base] for p in s.workers]
        speedup = [w * ref / m for w, m in zip(work, s.median)]
        # A repetition's range in speed-up: the slowest run gives the lowest.
        low = [w * ref / t for w, t in zip(work, s.slowest)]
        high = [w * ref / t for w, t in zip(work, s.fastest)]
        label = s.label
        if fit is None and not weak and len(s.workers) > 1:
            label += f" (serial fraction {amdahl_fraction(s.workers, speedup):.3g})"
        ax_s.errorbar(s.workers, speedup,
                      yerr=[[a - b for a, b in zip(speedup, low)],
                            [b - a for a, b in zip(speedup, high)]],
                      fmt="o" if len(series) == 1 else "o-", color=colour, capsize=3,
                      label="measured (median, range)" if fit else label)
        efficiency = [y / p for y, p in zip(speedup, s.workers)]
        ax_e.plot(s.workers, efficiency, "o" if len(series) == 1 else "o-", color=colour,
                  label="measured" if fit else label)
        top = max(top, *efficiency)
        shared = [i for i, used in enumerate(s.in_fit or []) if not used]
        if shared:
            for ax, ys in ((ax_s, speedup), (ax_e, efficiency)):
                ax.plot([s.workers[i] for i in shared], [ys[i] for i in shared], "o",
                        color=colour, markerfacecolor="white",
                        label="more workers than CPUs: not fitted")
    if fit is not None:
        f = fit["serial_fraction"]
        if fit["law"] == "amdahl":
            fitted = [1 / (f + (1 - f) / q) for q in dense]
            label = f"Amdahl, serial fraction {f:.3g}"
        else:
            fitted = [q - f * (q - 1) for q in dense]
            label = f"Gustafson, serial fraction {f:.3g}"
        ax_s.plot(dense, fitted, color="tab:orange", label=label)
        ax_e.plot(dense, [y / q for y, q in zip(fitted, dense)], color="tab:orange",
                  label=label)
    ax_s.set_xlabel("workers")
    ax_s.set_ylabel("scaled speed-up" if weak else "speed-up")
    ax_e.set_xlabel("workers")
    ax_e.set_ylabel("efficiency")
    ax_e.set_ylim(0, 1.1 * top)
    for ax in (ax_s, ax_e):
        ax.set_xscale("log", base=2)
        ax.set_xticks(every, [str(q) for q in every])
        ax.minorticks_off()
        ax.grid(True, alpha=0.3)
    # Many series share one legend, in the efficiency panel's empty lower half.
    ax_e.legend(fontsize=8 if len(series) > 3 else 10, loc="lower left")
    if len(series) == 1:
        ax_s.legend()
    # Log-log: the ideal is a straight line, and a constant efficiency loss a constant gap.
    ax_s.set_yscale("log", base=2)
    ax_s.set_yticks(every, [str(q) for q in every])
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=120)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    study_path, png = sys.argv[1], sys.argv[2]
    with open(study_path, encoding="utf-8") as f:
        study = json.load(f)
    points = study["points"]
    series = Series("pardo", [pt["workers"] for pt in points],
                    [pt["seconds"]["median"] for pt in points],
                    [pt["seconds"]["min"] for pt in points],
                    [pt["seconds"]["max"] for pt in points],
                    [pt.get("in_fit", True) for pt in points])
    weak = study["mode"] == "weak"
    command = " ".join(["pardo"] + study["command"])
    try:
        draw([series], png, f"{'weak' if weak else 'strong'} scaling: {command}", weak,
             study["fit"])
    except ImportError as e:
        print(f"plot_scaling.py: {e}", file=sys.stderr)
        return 3
    except OSError as e:
        print(f"plot_scaling.py: {png}: {e.strerror}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
