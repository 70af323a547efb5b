#!/usr/bin/python3
"""The Python peers of bench/opt: scipy.optimize and pyswarms on pardo's test models, one JSON
line per run, in the format of bench_opt (bench/opt/pardo/bench_opt.cpp).

    peers.py suite SOLVER MODEL DIM SEEDS BUDGET
        SOLVER: scipy-de (workers=1), scipy-de2 (workers=2), scipy-nelder-mead, scipy-powell,
        pyswarms. A run stops once a value within 1e-4 of the minimum is seen, or at BUDGET
        evaluations; local solvers start from start_point(seed), as pardo's do.
    peers.py overhead DIM POPULATION GENERATIONS
        scipy's differential evolution on the sphere, one core: seconds per evaluation.
    peers.py efficiency WORKERS MILLISECONDS
        scipy's differential evolution (popsize 8 x 5 dims = 40, 10 generations), workers=N,
        an objective that computes for MILLISECONDS: the wall time.
"""

import json
import sys
import time

import numpy as np

TARGET = 1e-4

def sphere(x):
    return float(np.sum(x * x))


def rosenbrock(x):
    return float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def rastrigin(x):
    return float(10 * x.size + np.sum(x * x - 10 * np.cos(2 * np.pi * x)))


def ackley(x):
    return float(-20 * np.exp(-0.2 * np.sqrt(np.mean(x * x)))
                 - np.exp(np.mean(np.cos(2 * np.pi * x))) + 20 + np.e)


def griewank(x):
    return float(1 + np.sum(x * x) / 4000 - np.prod(np.cos(x / np.sqrt(np.arange(1, x.size + 1)))))


# The same models and boxes as pardo::opt::models (every minimum is 0).
MODELS = {"sphere": (-5.12, 5.12, sphere), "rosenbrock": (-5.0, 10.0, rosenbrock),
          "rastrigin": (-5.12, 5.12, rastrigin), "ackley": (-32.768, 32.768, ackley),
          "griewank": (-600.0, 600.0, griewank)}


class Reached(Exception):
    pass


class Counted:
    """The model, counting evaluations; raises Reached at the first value within TARGET."""

    def __init__(self, f, target=TARGET):
        self.f, self.target, self.evaluations, self.best = f, target, 0, np.inf

    def __call__(self, x):
        v = self.f(np.asarray(x))
        self.evaluations += 1
        self.best = min(self.best, v)
        if v <= self.target:
            raise Reached
        return v

    def swarm(self, xs):
        values = np.array([self.f(x) for x in xs])
        self.evaluations += len(xs)
        self.best = min(self.best, float(values.min()))
        if values.min() <= self.target:
            raise Reached
        return values


def start_point(low, high, dim, seed):
    return np.array([low + (high - low) * (((seed * 7919 + j * 104729) % 1000) + 0.5) / 1000
                     for j in range(dim)])


def busy_sphere(x, millis):
    until = time.perf_counter() + millis / 1000
    while time.perf_counter() < until:
        pass
    return float(np.sum(np.asarray(x) ** 2))


def run(solver, model, dim, seed, budget):
    from scipy import optimize
    low, high, f = MODELS[model]
    counted = Counted(f)
    bounds = [(low, high)] * dim
    start = time.perf_counter()
    reached = False
    try:
        if solver in ("scipy-de", "scipy-de2"):
            popsize = 15  # scipy's default: 15 x dim individuals, as pardo's
            maxiter = max(budget // (popsize * dim) - 1, 1)
            workers = 2 if solver == "scipy-de2" else 1
            r = optimize.differential_evolution(
                counted, bounds, popsize=popsize, maxiter=maxiter, tol=0, atol=0, seed=seed,
                polish=False, workers=workers, updating="deferred" if workers > 1 else "immediate")
            value = r.fun
        elif solver == "pyswarms":
            import pyswarms
            particles = 40
            optimizer = pyswarms.single.GlobalBestPSO(
                n_particles=particles, dimensions=dim,
                options={"c1": 1.49618, "c2": 1.49618, "w": 0.7298},
                bounds=(np.full(dim, low), np.full(dim, high)))
            value, _ = optimizer.optimize(counted.swarm, iters=max(budget // particles, 1),
                                          verbose=False)
        else:
            method = "Nelder-Mead" if solver == "scipy-nelder-mead" else "Powell"
            r = optimize.minimize(counted, start_point(low, high, dim, seed), method=method,
                                  bounds=bounds, options={"maxfev": budget})
            value = r.fun
    except Reached:
        reached, value = True, TARGET
    seconds = time.perf_counter() - start
    # With workers=2 the evaluations happen in other processes: only success and time count.
    evaluations = counted.evaluations if solver != "scipy-de2" else 0
    return {"solver": solver, "model": model, "dim": dim, "seed": seed,
            "value": float(min(value, counted.best)), "evaluations": evaluations,
            "to_target": evaluations if reached else 0, "reached": reached, "seconds": seconds}


def main():
    mode = sys.argv[1]
    if mode == "suite":
        solver, model, dim, seeds, budget = sys.argv[2], sys.argv[3], *map(int, sys.argv[4:7])
        for seed in range(seeds):
            print(json.dumps(run(solver, model, dim, seed, budget)), flush=True)
    elif mode == "overhead":
        from scipy import optimize
        dim, population, generations = map(int, sys.argv[2:5])
        counted = Counted(sphere, target=-np.inf)
        start = time.perf_counter()
        optimize.differential_evolution(
            counted, [(-5.12, 5.12)] * dim, popsize=population // dim, maxiter=generations,
            tol=0, atol=0, seed=1, polish=False)
        print(json.dumps({"seconds_per_evaluation":
                          (time.perf_counter() - start) / counted.evaluations,
                          "evaluations": counted.evaluations}))
    elif mode == "efficiency":
        from functools import partial

        from scipy import optimize
        workers, millis = int(sys.argv[2]), float(sys.argv[3])
        start = time.perf_counter()
        optimize.differential_evolution(
            partial(busy_sphere, millis=millis), [(-5.12, 5.12)] * 5, popsize=8, maxiter=9,
            tol=0, atol=0, seed=1, polish=False, workers=workers,
            updating="deferred" if workers > 1 else "immediate")
        print(json.dumps({"seconds": time.perf_counter() - start}))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
