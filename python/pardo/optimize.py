"""pardo.optimize: global and local optimisation with every generation's points evaluated in
parallel, as ``pardo optimize``.

    >>> r = pardo.optimize.minimize("rastrigin", dim=4, method="cmaes", seed=1)
    >>> r.x, r.fun, r.nfev, r.message

The solvers are pardo's: ``"de"`` (differential evolution, best1bin), ``"pso"`` (particle
swarm), ``"cmaes"``, ``"nelder-mead"`` and ``"powell"`` (bounded).
"""

from __future__ import annotations

import math

import numpy as np

from . import _pardo
from ._callbacks import user_function
from ._results import OptimizeResult
from ._workloads import _count, _workers

__all__ = ["OptimizeResult", "maximize", "minimize"]

_METHODS = ("de", "pso", "cmaes", "nelder-mead", "powell")
_LIMITS = ("evaluation_limit", "generation_limit", "time_limit")


def _bounds(bounds):
    """scipy's bounds: a sequence of (low, high) pairs, one per axis."""
    try:
        pairs = [(float(lo), float(hi)) for lo, hi in bounds]
    except (TypeError, ValueError):
        raise TypeError("bounds must be a sequence of (low, high) pairs, one per axis") from None
    for axis, (lo, hi) in enumerate(pairs):
        if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
            raise ValueError(f"bounds[{axis}] = ({lo!r}, {hi!r}); they must be finite, "
                             "low <= high")
    if not pairs:
        raise ValueError("bounds is empty; give one (low, high) pair per axis")
    return [lo for lo, _ in pairs], [hi for _, hi in pairs]


def minimize(fun, bounds=None, *, method="de", dim=None, x0=None, population=None,
             maxfev=100_000, maxiter=None, time_limit=None, target=None, seed=0, workers=None,
             backend="threads", _maximize=False) -> OptimizeResult:
    """The smallest value of ``fun`` in the box ``bounds``, as ``pardo optimize``.

    ``fun`` is a built-in test model's name (``"sphere"``, ``"rosenbrock"``,
    ``"rastrigin"``, ``"ackley"``, ``"griewank"``, ``"schwefel"``, ``"zimmermann"``,
    ``"corana"``, ``"step"``, ``"peaks"``; with ``dim``, and its usual box unless ``bounds``
    is given), a compiled C function ``double f(int d, double *x)`` (a numba ``@cfunc`` or a
    ``scipy.LowLevelCallable``), evaluated on every worker without the GIL, or a Python
    callable ``f(x) -> float``, evaluated under the GIL. ``bounds`` is scipy's sequence of
    (low, high) pairs. The solver stops by its own rule (as scipy and pycma stop them), after
    ``maxfev`` evaluations, ``maxiter`` generations or ``time_limit`` seconds, or once the best
    value reaches ``target``. The same arguments give the same bits, on any worker count.
    """
    if method not in _METHODS:
        raise ValueError(f"method = {method!r}; it must be one of {', '.join(_METHODS)}")
    fun = user_function(fun, "fun", "a built-in model's name")
    if bounds is None:
        if not isinstance(fun, str):
            raise ValueError("bounds is needed for your own function: (low, high) per axis")
        lower, upper = [], []
    else:
        lower, upper = _bounds(bounds)
    n = 0 if dim is None else _count("dim", dim)
    if bounds is not None and dim is not None and n != len(lower):
        raise ValueError(f"dim = {n} but bounds has {len(lower)} axes")
    if isinstance(fun, str) and bounds is None and dim is None:
        n = 2
    start = [] if x0 is None else [float(v) for v in np.ravel(x0)]
    if start and bounds is not None and len(start) != len(lower):
        raise ValueError(f"x0 has {len(start)} coordinates but bounds {len(lower)} axes")
    if population is not None and method in ("nelder-mead", "powell"):
        raise ValueError(f"population applies to 'de', 'pso' or 'cmaes', not {method!r}")
    limit = 0.0 if time_limit is None else float(time_limit)
    if not (math.isfinite(limit) and limit >= 0):
        raise ValueError(f"time_limit = {limit!r}; it must be finite and >= 0")
    reach = None if target is None else float(target)
    d = _pardo._minimize(fun, lower, upper, n, start, method,
                         0 if population is None else _count("population", population, minimum=2),
                         _count("maxfev", maxfev),
                         None if maxiter is None else _count("maxiter", maxiter), limit, reach,
                         _maximize, _count("seed", seed, minimum=0), _workers(workers), backend)
    return OptimizeResult(x=d["x"], fun=d["fun"], nfev=d["nfev"], nit=d["nit"],
                          message=d["message"],
                          success=not d["message"].startswith(_LIMITS),
                          history=d["history"], failures=d["failures"],
                          seconds=d["seconds"])


def maximize(fun, bounds=None, **kwargs) -> OptimizeResult:
    """The largest value of ``fun``, as :func:`minimize` finds the smallest (``pardo optimize
    --maximize``); ``fun`` and ``history`` keep the function's own sign."""
    return minimize(fun, bounds, _maximize=True, **kwargs)
