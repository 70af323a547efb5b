#!/usr/bin/python3
"""Reference values for pardo::mcmc::split_rhat and ess_bulk.

A plain numpy transcription of the rank-normalised split R-hat and bulk ESS of Vehtari,
Gelman, Simpson, Carpenter and Buerkner (2021), following ArviZ's _rhat_rank and _ess_bulk
(ArviZ itself is not installed here). It writes tests/stats/data/mcmc_diagnostics.csv: one
line per case, "name,chains,rhat,ess,draw,draw,...", draws chain after chain, every number
in round-trip precision. test_mcmc_diagnostics.cpp recomputes both on the same draws.

Run: /usr/bin/python3 tests/stats/mcmc_reference.py
"""
import os

import numpy as np
from scipy import stats


def split_chains(x):
    half = x.shape[1] // 2
    return np.vstack([x[:, :half], x[:, -half:]])


def z_scale(x):
    ranks = stats.rankdata(x, method="average").reshape(x.shape)
    return stats.norm.ppf((ranks - 0.375) / (x.size + 0.25))


def rhat(x):
    n = x.shape[1]
    between = n * np.var(x.mean(axis=1), ddof=1)
    within = np.mean(np.var(x, axis=1, ddof=1))
    return np.sqrt((between / within + n - 1) / n)


def autocov(x):
    n = x.shape[1]
    centred = x - x.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(centred, n=2 * n, axis=1)
    return np.fft.irfft(spectrum * np.conjugate(spectrum), n=2 * n, axis=1)[:, :n] / n


def ess(x):
    m, n = x.shape
    acov = autocov(x)
    mean_var = np.mean(acov[:, 0]) * n / (n - 1.0)
    var_plus = mean_var * (n - 1.0) / n
    if m > 1:
        var_plus += np.var(x.mean(axis=1), ddof=1)
    rho = np.zeros(n)
    rho_even = 1.0
    rho[0] = rho_even
    rho_odd = 1.0 - (mean_var - np.mean(acov[:, 1])) / var_plus
    rho[1] = rho_odd
    t = 1
    while t < n - 3 and rho_even + rho_odd > 0.0:  # Geyer's initial positive sequence
        rho_even = 1.0 - (mean_var - np.mean(acov[:, t + 1])) / var_plus
        rho_odd = 1.0 - (mean_var - np.mean(acov[:, t + 2])) / var_plus
        if rho_even + rho_odd >= 0:
            rho[t + 1] = rho_even
            rho[t + 2] = rho_odd
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
    tau = -1.0 + 2.0 * np.sum(rho[: max_t + 1]) + np.sum(rho[max_t + 1 : max_t + 2])
    tau = max(tau, 1 / np.log10(size))
    return size / tau


def split_rhat(x):
    bulk = rhat(z_scale(split_chains(x)))
    tail = rhat(z_scale(split_chains(np.abs(x - np.median(x)))))
    return max(bulk, tail)


def ess_bulk(x):
    return ess(z_scale(split_chains(x)))


def ar1(rng, chains, n, rho):
    x = np.empty((chains, n))
    x[:, 0] = rng.standard_normal(chains) / np.sqrt(1 - rho * rho)
    for i in range(1, n):
        x[:, i] = rho * x[:, i - 1] + rng.standard_normal(chains)
    return x


def cases():
    rng = np.random.default_rng(20210101)
    yield "iid", rng.standard_normal((4, 200))
    yield "ar1_odd_length", ar1(rng, 4, 301, 0.7)
    yield "shifted_chain", rng.standard_normal((4, 100)) + np.array([[0], [0], [0], [1.0]])
    yield "ties", rng.poisson(3.0, (3, 50)).astype(float)
    yield "one_chain", ar1(rng, 1, 40, 0.5)
    yield "cauchy", rng.standard_cauchy((4, 100))
    yield "scale_differs", rng.standard_normal((4, 150)) * np.array([[1], [1], [1], [3.0]])
    yield "shortest", rng.standard_normal((2, 5))
    yield "strong_ar1", ar1(rng, 4, 500, 0.95)


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "mcmc_diagnostics.csv")
    with open(path, "w") as out:
        for name, x in cases():
            fields = [name, str(x.shape[0]), repr(float(split_rhat(x))), repr(float(ess_bulk(x)))]
            fields += [repr(float(v)) for v in x.ravel()]
            out.write(",".join(fields) + "\n")
            print(f"{name:15s} chains {x.shape[0]} x {x.shape[1]:4d}  rhat {split_rhat(x):.6f}  "
                  f"ess_bulk {ess_bulk(x):.3f}")


if __name__ == "__main__":
    main()
