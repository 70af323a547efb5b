#!/usr/bin/python3
"""8 random-walk Metropolis chains x 10^5 steps on a 10-d correlated normal.

pardo: `pardo mcmc --target mvnormal --dim 10 --chains 8` (10^4 warm-up + 9 x 10^4 draws per
chain) at 1 and 2 workers, timed by the library ("seconds": the chains and the R-hat/ESS
diagnostics of every parameter). The peers run the same sampler (the same AR(1)-correlated
target, N(0, step^2 I) proposals, dual-averaging step adaptation during warm-up) in numpy:
"numpy" advances all 8 chains at once, vectorised across chains (the fair numpy peer);
"numpy-loop" is the plain Python loop over chains and steps that users write. The peers
compute no diagnostics.
"""

from __future__ import annotations

import sys

import numpy as np
from _timing import median_of, median_seconds, pardo_reports

DIM = 10
CHAINS = 8
RHO = 0.8
TARGET = 0.234


def log_density(x: np.ndarray) -> np.ndarray:
    """The AR(1)-correlated normal with means 1..DIM, over the last axis."""
    d = x - np.arange(1, DIM + 1)
    innovations = d[..., 1:] - RHO * d[..., :-1]
    return -0.5 * (d[..., 0] ** 2 + np.sum(innovations**2, axis=-1) / (1 - RHO * RHO))


class DualAveraging:
    """Hoffman and Gelman's dual averaging of log(step), as pardo adapts its chains."""

    def __init__(self, step):
        self.mu = np.log(step)
        self.t = 0
        self.h_bar = np.zeros_like(step)
        self.log_bar = np.zeros_like(step)

    def update(self, accept_probability):
        self.t += 1
        w = 1 / (self.t + 10)
        self.h_bar = (1 - w) * self.h_bar + w * (TARGET - accept_probability)
        log_step = self.mu - np.sqrt(self.t) / 0.05 * self.h_bar
        eta = self.t ** -0.75
        self.log_bar = eta * log_step + (1 - eta) * self.log_bar
        return np.exp(log_step)


def numpy_vectorised(warmup: int, draws: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    theta = rng.uniform(-0.5, 0.5, (CHAINS, DIM))
    lp = log_density(theta)
    step = np.full(CHAINS, 2.38 / np.sqrt(DIM))
    adaptation = DualAveraging(step.copy())
    out = np.empty((CHAINS, draws, DIM))
    for t in range(warmup + draws):
        proposal = theta + step[:, None] * rng.standard_normal((CHAINS, DIM))
        lp_new = log_density(proposal)
        accept_probability = np.exp(np.minimum(lp_new - lp, 0.0))
        accept = rng.random(CHAINS) < accept_probability
        theta[accept] = proposal[accept]
        lp[accept] = lp_new[accept]
        if t < warmup:
            step = adaptation.update(accept_probability)
            if t + 1 == warmup:
                step = np.exp(adaptation.log_bar)
        else:
            out[:, t - warmup] = theta
    return out


def numpy_loop(warmup: int, draws: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((CHAINS, draws, DIM))
    for c in range(CHAINS):
        theta = rng.uniform(-0.5, 0.5, DIM)
        lp = log_density(theta)
        step = 2.38 / np.sqrt(DIM)
        adaptation = DualAveraging(np.array(step))
        for t in range(warmup + draws):
            proposal = theta + step * rng.standard_normal(DIM)
            lp_new = log_density(proposal)
            accept_probability = min(1.0, float(np.exp(min(lp_new - lp, 0.0))))
            if rng.random() < accept_probability:
                theta, lp = proposal, lp_new
            if t < warmup:
                step = float(adaptation.update(accept_probability))
                if t + 1 == warmup:
                    step = float(np.exp(adaptation.log_bar))
            else:
                out[c, t - warmup] = theta
    return out


def run(pardo: str, quick: bool) -> list[dict]:
    warmup, draws = (1000, 9000) if quick else (10_000, 90_000)
    repeats = 3
    # Medians of more runs for pardo, whose sampling takes a few tenths of a second.
    pardo_rounds = 3 if quick else 9
    size = f"{CHAINS} chains x {warmup + draws} steps, 10-d correlated normal"
    rows = []
    reports = pardo_reports(
        lambda w: [pardo, "mcmc", "--target", "mvnormal", "--dim", str(DIM), "--chains",
                   str(CHAINS), "--warmup", str(warmup), "--draws", str(draws), "--seed", "1",
                   "--workers", str(w), "--json", "-q"],
        pardo_rounds)
    for workers, runs in reports.items():
        # The peers compute no diagnostics: compare the sampling alone, and keep the total.
        rows.append({"workload": "mcmc", "runtime": f"pardo-{workers}",
                     "seconds": median_of(runs, "sampling_seconds"), "repeats": pardo_rounds,
                     "size": size, "with_diagnostics": median_of(runs, "seconds")})
    rows.append({"workload": "mcmc", "runtime": "numpy",
                 "seconds": median_seconds(lambda: numpy_vectorised(warmup, draws, 1), repeats),
                 "repeats": repeats, "size": size})
    rows.append({"workload": "mcmc", "runtime": "numpy-loop",
                 "seconds": median_seconds(lambda: numpy_loop(warmup, draws, 1), repeats),
                 "repeats": repeats, "size": size})
    return rows


if __name__ == "__main__":
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/bin/pardo"
    rows = run(binary, quick="--quick" in sys.argv)
    by = {r["runtime"]: r["seconds"] for r in rows}
    for r in rows:
        print(f"{r['runtime']:11s} {r['seconds']:8.3f} s  ({r['size']}, median of {r['repeats']})")
    print(f"numpy (vectorised) / pardo-1: {by['numpy'] / by['pardo-1']:.1f}x")
    print(f"numpy-loop / pardo-1:         {by['numpy-loop'] / by['pardo-1']:.1f}x")
    print(f"efficiency at 2 workers:      {100 * by['pardo-1'] / (2 * by['pardo-2']):.0f}%")
