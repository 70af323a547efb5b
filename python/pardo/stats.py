"""pardo's statistics on numpy arrays, with scipy.stats's argument and result names.

    >>> import numpy as np, pardo.stats
    >>> x = np.random.default_rng(1).lognormal(size=500)
    >>> r = pardo.stats.bootstrap(x, "median", seed=7)
    >>> r.confidence_interval.low, r.confidence_interval.high, r.standard_error

The same data, seed and options give the bits of ``pardo bootstrap`` on any backend and
worker count.
"""

from __future__ import annotations

import numpy as np

from . import _pardo
from ._results import BootstrapResult, ConfidenceInterval, RunInfo
from ._workloads import _backend, _count, _workers

__all__ = ["bootstrap"]

_ONE_SAMPLE = ("mean", "median", "std", "var")


def _sample(name: str, value) -> np.ndarray:
    x = np.asarray(value)
    if x.dtype == object or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise TypeError(f"{name} must be numbers, not {x.dtype}")
    if np.iscomplexobj(x):
        raise TypeError(f"{name} must be real numbers, not {x.dtype}")
    if x.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; it has shape {x.shape}")
    return np.ascontiguousarray(x, dtype=np.float64)


def bootstrap(data, statistic="mean", *, n_resamples=9999, confidence_level=0.95,
              method="BCa", seed=0, workers=None, backend="threads",
              jackknife_groups=None) -> BootstrapResult:
    """A bootstrap confidence interval for ``statistic`` of ``data``, as ``pardo bootstrap``.

    ``data`` is one sample (a 1-D array, or scipy's ``(x,)``), or for ``"pearson"`` the pair
    ``(x, y)`` whose rows are resampled together. ``statistic`` is ``"mean"``, ``"median"``,
    ``"std"``, ``"var"`` (divisor n - 1) or ``"pearson"``. ``method`` is
    ``"percentile"``, ``"basic"`` or ``"BCa"`` (any case). Resample block b draws from
    random stream (seed, b), so the result does not depend on ``workers`` or ``backend``.
    ``jackknife_groups``: BCa's acceleration from that many leave-group-out values (None:
    the full jackknife up to 2000 rows, 2000 groups above). Ctrl-C raises KeyboardInterrupt.

    >>> r = pardo.stats.bootstrap(x, "mean", n_resamples=99_999, seed=1)
    >>> r.confidence_interval
    """
    if not isinstance(statistic, str):
        raise TypeError("statistic must be a name: 'mean', 'median', 'std', 'var' or 'pearson'")
    if statistic not in _ONE_SAMPLE + ("pearson",):
        raise ValueError(f"statistic = {statistic!r}; it must be 'mean', 'median', 'std', "
                         "'var' or 'pearson'")
    samples = list(data) if isinstance(data, (tuple, list)) and len(data) in (1, 2) and \
        np.ndim(data[0]) == 1 else [data]
    if statistic == "pearson":
        if len(samples) != 2:
            raise ValueError("statistic 'pearson' needs data = (x, y)")
        columns = [_sample("x", samples[0]), _sample("y", samples[1])]
        if columns[0].size != columns[1].size:
            raise ValueError(f"x and y must have the same length; they have {columns[0].size} "
                             f"and {columns[1].size}")
        sample = np.empty(0)
    else:
        if len(samples) != 1:
            raise ValueError(f"statistic {statistic!r} takes one sample; data has {len(samples)}")
        sample, columns = _sample("data", samples[0]), []
    if not isinstance(method, str):
        raise TypeError("method must be 'percentile', 'basic' or 'BCa'")
    groups = 0 if jackknife_groups is None else _count("jackknife_groups", jackknife_groups,
                                                       minimum=2)
    d = _pardo._bootstrap(sample, columns, statistic, _count("n_resamples", n_resamples),
                          float(confidence_level), method.lower(), _count("seed", seed, minimum=0),
                          groups, _workers(workers), _backend(backend))
    return BootstrapResult(
        confidence_interval=ConfidenceInterval(d["low"], d["high"]),
        bootstrap_distribution=d["bootstrap_distribution"], standard_error=d["standard_error"],
        estimate=d["estimate"], confidence_level=d["level"], bias=d["bias"],
        bias_correction=d["bias_correction"], acceleration=d["acceleration"], note=d["note"],
        n_resamples=d["n_resamples"], run=RunInfo(**d["run"]))
