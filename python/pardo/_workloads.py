"""pardo's workloads: the arguments checked here, the work done in C++ without the GIL."""

from __future__ import annotations

import numbers
import operator

from . import _pardo
from ._results import Interval, PiResult, RunInfo

_BACKENDS = ("threads", "serial")
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
