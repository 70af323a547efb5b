#!/usr/bin/python3
"""The numpy peer of pardo's MCMC diagnostics: split R-hat and bulk ESS of every parameter.

The rank-normalised split R-hat (the larger of bulk and folded tails) and the bulk ESS of
Vehtari, Gelman, Simpson, Carpenter and Buerkner (2021), as ArviZ's _rhat_rank and _ess_bulk
compute them, written in plain numpy the way a user would: argsort for the ranks,
numpy.fft for the autocovariances (all lags, zero-padded to 2n), Geyer's truncation on the
averaged autocorrelations. Phi^-1 is scipy.special.ndtri (numpy has none).

    diagnostics.py DRAWS.bin DIM CHAINS   # draws float64 of shape (DIM, CHAINS, n)

prints one JSON object: the seconds for every parameter's diagnostics (reading the file
excluded), and each parameter's rhat and ess.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from scipy.special import ndtri


def split_chains(x: np.ndarray) -> np.ndarray:
    """Each chain's halves as two chains; an odd chain loses its middle draw."""
    half = x.shape[1] // 2
    return np.vstack([x[:, :half], x[:, -half:]])


def z_scale(x: np.ndarray) -> np.ndarray:
    """Phi^-1((r - 3/8) / (S + 1/4)), r the rank among all S draws, ties averaged."""
    flat = x.ravel()
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    new = np.empty(flat.size, dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    bounds = np.flatnonzero(np.append(new, True))
    average = 0.5 * (bounds[:-1] + bounds[1:] - 1).astype(float) + 1.0
    ranks = np.empty(flat.size)
    ranks[order] = average[np.cumsum(new) - 1]
    return ndtri((ranks - 0.375) / (flat.size + 0.25)).reshape(x.shape)


def rhat(x: np.ndarray) -> float:
    n = x.shape[1]
    between = n * np.var(x.mean(axis=1), ddof=1)
    within = np.mean(np.var(x, axis=1, ddof=1))
    return float(np.sqrt((between / within + n - 1) / n))


def ess(x: np.ndarray) -> float:
    m, n = x.shape
    centred = x - x.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(centred, n=2 * n, axis=1)
    acov = np.fft.irfft(spectrum.real**2 + spectrum.imag**2, n=2 * n, axis=1)[:, :n] / n
    mean_acov = acov.mean(axis=0)
    mean_var = mean_acov[0] * n / (n - 1.0)
    var_plus = mean_var * (n - 1.0) / n
    if m > 1:
        var_plus += np.var(x.mean(axis=1), ddof=1)
    rho_all = (1.0 - (mean_var - mean_acov) / var_plus).tolist()
    rho = [0.0] * n
    rho_even, rho_odd = 1.0, rho_all[1]
    rho[0], rho[1] = rho_even, rho_odd
    t = 1
    while t < n - 3 and rho_even + rho_odd > 0.0:  # Geyer's initial positive sequence
        rho_even, rho_odd = rho_all[t + 1], rho_all[t + 2]
        if rho_even + rho_odd >= 0:
            rho[t + 1], rho[t + 2] = rho_even, rho_odd
        t += 2
    max_t = t - 2
    if rho_even > 0:
        rho[max_t + 1] = rho_even
    t = 1
    while t <= max_t - 2:  # Geyer's initial monotone sequence
        if rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]:
            rho[t + 1] = (rho[t - 1] + rho[t]) / 2.0
            rho[t + 2] = rho[t + 1]
        t += 2
    size = m * n
    tau = -1.0 + 2.0 * sum(rho[: max_t + 1]) + rho[max_t + 1]
    tau = max(tau, 1 / np.log10(size))
    return float(size / tau)


def diagnose(x: np.ndarray) -> tuple[float, float]:
    """(split R-hat, bulk ESS) of one parameter's draws, shape (chains, n)."""
    bulk = z_scale(split_chains(x))
    tails = z_scale(split_chains(np.abs(x - np.median(x))))
    return max(rhat(bulk), rhat(tails)), ess(bulk)


def main() -> None:
    path, dim, chains = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    draws = np.fromfile(path, dtype=np.float64).reshape(dim, chains, -1)
    start = time.perf_counter()
    values = [diagnose(draws[k]) for k in range(dim)]
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rhat": [v[0] for v in values],
                      "ess": [v[1] for v in values]}))


if __name__ == "__main__":
    main()
