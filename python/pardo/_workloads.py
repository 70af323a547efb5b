"""pardo's workloads: the arguments checked here, the work done in C++ without the GIL."""

from __future__ import annotations

import numbers
import operator

from . import _pardo
from ._callbacks import user_function
import math
import warnings

from ._results import IntegrateResult, Interval, McmcResult, PiResult, RunInfo

_BACKENDS = ("threads", "serial", "processes")
_UINT64_MAX = 2**64 - 1


def _count(name: str, value, *, minimum: int = 1) -> int:
    """An integer count from an int, a numpy integer or an integral float such as 1e9."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, not bool")
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        if value != value or value in (float("inf"), float("-inf")) or value != int(value):
            raise ValueError(f"{name} = {value!r}; it must be a whole number")
        value = int(value)
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}") from None
    if not minimum <= value <= _UINT64_MAX:
        raise ValueError(f"{name} = {value}; it must be between {minimum} and 2**64 - 1")
    return value


def _workers(workers) -> int:
    return 0 if workers is None else _count("workers", workers)


def _backend(backend) -> str:
    if backend not in _BACKENDS:
        choices = " or ".join(repr(b) for b in _BACKENDS)
        raise ValueError(f"backend = {backend!r}; it must be {choices}")
    return backend


def pi(samples, *, seed=0, workers=None, backend="threads") -> PiResult:
    """Estimates pi from ``samples`` points in the unit square, as ``pardo pi`` does.

    Block b of the run draws from random stream (seed, b), so the result is the same bits
    as ``pardo pi --samples SAMPLES --seed SEED`` on any backend and worker count.
    ``workers=None`` uses the CPUs this process may run on (or ``PARDO_NUM_WORKERS``).
    Ctrl-C stops the run and raises KeyboardInterrupt.

    >>> r = pardo.pi(10**8, seed=7)
    >>> r.interval.low < 3.14159 < r.interval.high
    True
    """
    d = _pardo._pi(_count("samples", samples), _count("seed", seed, minimum=0),
                   _workers(workers), _backend(backend))
    return PiResult(estimate=d["estimate"], std_error=d["std_error"],
                    interval=Interval(d["low"], d["high"], d["level"]), samples=d["samples"],
                    hits=d["hits"], block_samples=d["block_samples"], run=RunInfo(**d["run"]))


def _bounds(name: str, value, dim) -> list:
    if isinstance(value, numbers.Real):
        if dim is None:
            raise ValueError(f"{name} is one number: give dim, or one bound per axis")
        values = [float(value)] * _count("dim", dim)
    else:
        try:
            values = [float(v) for v in value]
        except TypeError:
            raise TypeError(f"{name} must be a number or a sequence of numbers") from None
        if dim is not None and len(values) != dim:
            raise ValueError(f"{name} has {len(values)} bounds; dim = {dim}")
    bad = [v for v in values if not math.isfinite(v)]
    if bad:
        raise ValueError(f"{name} has {bad[0]!r}; bounds must be finite")
    return values


def _tolerance(name: str, value):
    if value is None:
        return None
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} = {value!r}; it must be finite and > 0")
    return value


def integrate(function, lower, upper, *, dim=None, samples=10**7, method="plain", strata=1024,
              abs_tol=None, rel_tol=None, seed=0, workers=None,
              backend="threads") -> IntegrateResult:
    """The integral of ``function`` over the box [lower, upper], by Monte Carlo, as
    ``pardo integrate``.

    ``function`` is a built-in: ``"ball"`` (1 inside the unit ball), ``"cross-polytope"``
    (1 where sum |x_i| <= 1), ``"gaussian"`` (exp(-|x|^2)) or ``"cosine"`` (cos(sum x_i));
    or a compiled C function ``double f(int d, double *x)`` (a numba
    ``@cfunc("float64(intc, CPointer(float64))")`` or a ``scipy.LowLevelCallable``), called
    on every worker without the GIL; or a Python callable ``f(x)`` taking points as the
    columns of ``x`` (shape (d, m), as scipy's ``qmc_quad``) and returning m values, called
    under the GIL. The same function, box, samples and seed give the same bits.
    ``lower`` and ``upper`` give one bound per axis, or one number each with ``dim``.
    ``method="stratified"`` cuts the box into at most ``strata`` equal cells. With
    ``abs_tol`` or ``rel_tol`` the run stops once the 95% half-width is below it (then
    ``samples`` is the most to draw). Block b draws from random stream (seed, b): the same
    bits on any worker count. Ctrl-C raises KeyboardInterrupt.

    >>> r = pardo.integrate("ball", -1, 1, dim=5, samples=10**8)
    >>> r.estimate, r.std_error   # the volume of the 5-ball, 8 pi^2 / 15 = 5.2638
    """
    function = user_function(function, "function", "a built-in integrand's name ('ball', "
                             "'cross-polytope', 'gaussian' or 'cosine')")
    lows, highs = _bounds("lower", lower, dim), _bounds("upper", upper, dim)
    if len(lows) != len(highs):
        raise ValueError(f"lower has {len(lows)} bounds and upper {len(highs)}")
    if not isinstance(method, str):
        raise TypeError("method must be 'plain' or 'stratified'")
    d = _pardo._integrate(function, lows, highs, _count("samples", samples), method,
                          _count("strata", strata), _tolerance("abs_tol", abs_tol),
                          _tolerance("rel_tol", rel_tol), _count("seed", seed, minimum=0),
                          _workers(workers), _backend(backend))
    return IntegrateResult(estimate=d["estimate"], std_error=d["std_error"],
                           interval=Interval(d["low"], d["high"], d["level"]),
                           samples=d["samples"], strata=d["strata"],
                           tolerance_met=d["tolerance_met"], warning=d["warning"],
                           run=RunInfo(**d["run"]))


def _convergence_warnings(rhat, ess) -> list:
    """What `pardo mcmc` warns of: R-hat above 1.01, bulk ESS below 400 (Vehtari et al.)."""
    out = []
    high = [k for k, r in enumerate(rhat) if not r <= 1.01]
    if high:
        names = ", ".join(f"x[{k}]" for k in high)
        out.append(f"R-hat above 1.01 for {names} (largest {max(rhat[k] for k in high):.4f}): "
                   "the chains disagree; run longer (warmup, draws)")
    low = [k for k, e in enumerate(ess) if not e >= 400]
    if low:
        names = ", ".join(f"x[{k}]" for k in low)
        out.append(f"bulk ESS below 400 for {names} (smallest {min(ess[k] for k in low):.0f}): "
                   "too few effective draws to trust R-hat and the MCSE; run longer (draws)")
    return out


def mcmc(target="mvnormal", *, dim=2, chains=4, warmup=1000, draws=10_000, thin=1,
         step_size=0.0, seed=0, workers=None, backend="threads") -> McmcResult:
    """Random-walk Metropolis chains on ``target``, as ``pardo mcmc``.

    ``target`` is a built-in: ``"mvnormal"`` (AR(1)-correlated normal with means 1..dim) or
    ``"banana"`` (Haario's twisted Gaussian, dim >= 2); or a log-density: a compiled C
    function ``double f(int dim, double *theta)`` (a numba ``@cfunc`` or a
    ``scipy.LowLevelCallable``), run on every worker without the GIL, or a Python callable
    ``f(theta) -> float``, run under the GIL; -inf outside the support, finite at the
    origin. Each chain starts near the origin,
    adapts its step for ``warmup`` steps, then keeps every ``thin``-th of ``draws * thin``
    steps; chain c draws from random stream (seed, c), so the draws do not depend on
    ``workers`` or ``backend``. ``step_size=0`` starts from 2.38 / sqrt(dim). A
    RuntimeWarning names the parameters whose R-hat is above 1.01 or bulk ESS below 400.
    Ctrl-C raises KeyboardInterrupt.

    >>> r = pardo.mcmc("banana", dim=2, chains=8, draws=20_000, seed=1)
    >>> r.draws.shape, r.mean, r.rhat
    """
    target = user_function(target, "target", "'mvnormal' or 'banana'")
    step = float(step_size)
    if not (math.isfinite(step) and step >= 0):
        raise ValueError(f"step_size = {step!r}; it must be finite and >= 0 (0: automatic)")
    n = _count("dim", dim)
    d = _pardo._mcmc(target, [0.0] * n, _count("chains", chains),
                     _count("warmup", warmup, minimum=0), _count("draws", draws),
                     _count("thin", thin), step, _count("seed", seed, minimum=0),
                     _workers(workers), _backend(backend))
    said = _convergence_warnings(d["rhat"].tolist(), d["ess"].tolist())
    for text in said:
        warnings.warn(text, RuntimeWarning, stacklevel=2)
    return McmcResult(draws=d["draws"], mean=d["mean"], sd=d["sd"], mcse=d["mcse"],
                      rhat=d["rhat"], ess=d["ess"], acceptance_rate=d["acceptance_rate"],
                      step_size=d["step_size"], steps=d["steps"],
                      sampling_seconds=d["sampling_seconds"], warnings=said,
                      run=RunInfo(**d["run"]))
