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
import math

from ._results import (BootstrapResult, ConfidenceInterval, FitManyResult, FitResult, Interval,
                       PermutationTestResult, PowerEvaluation, PowerResult, RunInfo,
                       SampleSizeResult)
from ._callbacks import user_function
from ._workloads import _backend, _count, _workers

__all__ = ["bootstrap", "fit_many", "permutation_test", "power", "sample_size"]

_ONE_SAMPLE = ("mean", "median", "std", "var")
# scipy's permutation_type names and pardo's design names, for the same three designs.
_DESIGNS = {"independent": "independent", "samples": "paired", "paired": "paired",
            "pairings": "correlation", "correlation": "correlation"}
_ALTERNATIVES = ("two-sided", "less", "greater")


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
    ``"std"``, ``"var"`` (divisor n - 1) or ``"pearson"``; or, of one sample, a compiled C
    function ``double f(int n, double *x)`` (a numba ``@cfunc`` or a
    ``scipy.LowLevelCallable``), run on every worker without the GIL, or a Python callable
    ``f(sample) -> float``, run under the GIL. ``method`` is
    ``"percentile"``, ``"basic"`` or ``"BCa"`` (any case). Resample block b draws from
    random stream (seed, b), so the result does not depend on ``workers`` or ``backend``.
    ``jackknife_groups``: BCa's acceleration from that many leave-group-out values (None:
    the full jackknife up to 2000 rows, 2000 groups above). Ctrl-C raises KeyboardInterrupt.

    >>> r = pardo.stats.bootstrap(x, "mean", n_resamples=99_999, seed=1)
    >>> r.confidence_interval
    """
    statistic = user_function(statistic, "statistic",
                              "a name ('mean', 'median', 'std', 'var' or 'pearson')")
    if isinstance(statistic, str) and statistic not in _ONE_SAMPLE + ("pearson",):
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
            name = statistic if isinstance(statistic, str) else "a user function"
            raise ValueError(f"statistic {name!r} takes one sample; data has {len(samples)}")
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


def permutation_test(data, statistic=None, *, permutation_type="independent",
                     alternative="two-sided", n_resamples=9999, seed=0, workers=None,
                     backend="threads") -> PermutationTestResult:
    """A permutation test of two samples ``data = (x, y)``, as ``pardo permtest``.

    ``permutation_type`` is scipy's ``"independent"`` (pool x and y, split again),
    ``"samples"`` (swap within pairs; pardo's ``"paired"``) or ``"pairings"`` (reorder y
    against x; pardo's ``"correlation"``). ``statistic`` is ``"mean-diff"`` (mean of x minus
    mean of y; the default, except for pairings), ``"t"`` (Welch's t) or ``"pearson"`` (the
    default and only built-in statistic for pairings); or your own ``f(x, y) -> float``: a
    compiled C function ``double f(int nx, double *x, int ny, double *y)`` (a numba
    ``@cfunc`` or a ``scipy.LowLevelCallable``), run on every worker without the GIL, or a
    Python callable (scipy's ``statistic(x, y)``), run under the GIL. When fewer arrangements
    exist than
    ``n_resamples``, every one is enumerated and the p-value is exact. Permutation block b
    draws from random stream (seed, b): the result does not depend on ``workers`` or
    ``backend``. Ctrl-C raises KeyboardInterrupt.

    >>> r = pardo.stats.permutation_test((x, y), "mean-diff", seed=1)
    >>> r.statistic, r.pvalue, r.std_error
    """
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise ValueError("data must be two samples, (x, y)")
    x, y = _sample("x", data[0]), _sample("y", data[1])
    if permutation_type not in _DESIGNS:
        raise ValueError(f"permutation_type = {permutation_type!r}; it must be 'independent', "
                         "'samples' or 'pairings'")
    design = _DESIGNS[permutation_type]
    if statistic is None:
        statistic = "pearson" if design == "correlation" else "mean-diff"
    statistic = user_function(statistic, "statistic", "a name ('mean-diff', 't' or 'pearson')")
    if isinstance(statistic, str) and statistic not in ("mean-diff", "t", "pearson"):
        raise ValueError(f"statistic = {statistic!r}; it must be 'mean-diff', 't' or 'pearson'")
    if isinstance(statistic, str) and (design == "correlation") != (statistic == "pearson"):
        raise ValueError(f"statistic {statistic!r} does not go with permutation_type "
                         f"{permutation_type!r}: pearson goes with 'pairings' alone")
    if alternative not in _ALTERNATIVES:
        raise ValueError(f"alternative = {alternative!r}; it must be 'two-sided', 'less' or "
                         "'greater'")
    d = _pardo._permutation_test(x, y, statistic, design, alternative,
                                 _count("n_resamples", n_resamples),
                                 _count("seed", seed, minimum=0), _workers(workers),
                                 _backend(backend))
    return PermutationTestResult(statistic=d["statistic"], pvalue=d["pvalue"],
                                 null_distribution=d["null_distribution"],
                                 std_error=d["std_error"], n_resamples=d["n_resamples"],
                                 exact=d["exact"], run=RunInfo(**d["run"]))


def power(n1=30, n2=None, *, effect=0.5, test="t", alpha=0.05, alternative="two-sided",
          replications=10_000, permutations=None, seed=0, workers=None,
          backend="threads") -> PowerResult:
    """The power of a two-sample test by simulation, as ``pardo power``.

    Replication r draws ``n1`` values from N(0, 1) and ``n2`` (None: ``n1``) from
    N(effect, 1), from random streams (seed, 2r) and (seed, 2r + 1), and runs ``test``:
    ``"t"`` (Student's pooled t), ``"welch"`` or ``"permutation"`` (``permutations``
    random splits each, 999 if None; refused with the other tests). The power is the share of p-values below ``alpha``; the result
    does not depend on ``workers`` or ``backend``. Ctrl-C raises KeyboardInterrupt.

    >>> r = pardo.stats.power(64, effect=0.5, replications=20_000)
    >>> r.power, r.interval.low, r.interval.high   # about 0.80
    """
    if not isinstance(test, str) or not isinstance(alternative, str):
        raise TypeError("test and alternative must be names")
    if permutations is not None and test != "permutation":
        raise ValueError(f"permutations = {permutations!r} applies to test='permutation' only, "
                         f"not test={test!r}")
    size = float(effect)
    if not math.isfinite(size):
        raise ValueError(f"effect = {size!r}; it must be finite")
    d = _pardo._power(_count("n1", n1, minimum=2), 0 if n2 is None else _count("n2", n2, minimum=2),
                      size, test, float(alpha), alternative,
                      _count("replications", replications), _count("permutations", 999 if permutations is None else permutations),
                      _count("seed", seed, minimum=0), _workers(workers), _backend(backend))
    return PowerResult(power=d["power"], std_error=d["std_error"],
                       interval=Interval(d["low"], d["high"], d["level"]),
                       replications=d["replications"], rejections=d["rejections"],
                       run=RunInfo(**d["run"]))


def sample_size(effect=0.5, *, target_power=0.8, test="t", alpha=0.05, alternative="two-sided",
                ratio=1.0, min_n=2, max_n=1_000_000, replications=10_000, permutations=None,
                seed=0, workers=None, backend="threads") -> SampleSizeResult:
    """The smallest group size whose simulated power reaches ``target_power``, as ``pardo
    power --target-power``: n1 = n, n2 = ceil(ratio * n), n searched by doubling from
    ``min_n`` and then bisection up to ``max_n``, each n estimated as :func:`power` does with
    the same ``test``, ``alpha``, ``alternative``, ``replications``, ``permutations`` and
    ``seed``. The same bits as the command for the same options.

    >>> r = pardo.stats.sample_size(0.5, target_power=0.8, replications=20_000)
    >>> r.n1, r.power.power, r.found   # about 64
    """
    if not isinstance(test, str) or not isinstance(alternative, str):
        raise TypeError("test and alternative must be names")
    if permutations is not None and test != "permutation":
        raise ValueError(f"permutations = {permutations!r} applies to test='permutation' only, "
                         f"not test={test!r}")
    size, target, share = float(effect), float(target_power), float(ratio)
    if not math.isfinite(size):
        raise ValueError(f"effect = {size!r}; it must be finite")
    if not 0 < target < 1:
        raise ValueError(f"target_power = {target!r}; it must be in (0, 1)")
    if not (math.isfinite(share) and share > 0):
        raise ValueError(f"ratio = {share!r}; it must be finite and > 0")
    low, high = _count("min_n", min_n, minimum=2), _count("max_n", max_n, minimum=2)
    if high < low:
        raise ValueError(f"max_n = {high} is below min_n = {low}")
    d = _pardo._power(low, low, size, test, float(alpha), alternative,
                      _count("replications", replications),
                      _count("permutations", 999 if permutations is None else permutations),
                      _count("seed", seed, minimum=0), _workers(workers), _backend(backend),
                      target_power=target, ratio=share, min_n=low, max_n=high)
    at = d["at_n"]
    return SampleSizeResult(
        n1=d["n1"], n2=d["n2"], found=d["found"],
        power=PowerResult(power=at["power"], std_error=at["std_error"],
                          interval=Interval(at["low"], at["high"], at["level"]),
                          replications=at["replications"], rejections=at["rejections"],
                          run=RunInfo(**at["run"])),
        evaluations=[PowerEvaluation(*e) for e in d["evaluations"]], run=RunInfo(**d["run"]))


def _table(name, table):
    """(name, column names, columns) of a mapping of columns (a dict, a pandas DataFrame)
    or a numpy structured array."""
    if isinstance(table, np.ndarray) and table.dtype.names:
        names = list(table.dtype.names)
        columns = [table[c] for c in names]
    elif hasattr(table, "keys") and hasattr(table, "__getitem__"):
        names = [str(c) for c in table.keys()]
        columns = [table[c] for c in table.keys()]
    else:
        raise TypeError(f"data set {name!r} must be a mapping of column names to 1-D arrays "
                        f"(a dict, a pandas DataFrame) or a structured array; got "
                        f"{type(table).__name__}")
    data = []
    for c, values in zip(names, columns):
        try:
            column = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise TypeError(f"data set {name!r}, column {c!r}: not numbers ({error})") from None
        if column.ndim != 1:
            raise ValueError(f"data set {name!r}, column {c!r}: {column.ndim}-D; columns "
                             "must be 1-D")
        data.append(column)
    if len({len(col) for col in data}) > 1:
        lengths = ", ".join(f"{c}: {len(col)}" for c, col in zip(names, data))
        raise ValueError(f"data set {name!r}: columns of different lengths ({lengths})")
    return name, names, data


def fit_many(datasets, *, model="ols", response="y", predictors=None, intercept=True,
             level=0.95, tol=1e-10, max_iter=100, workers=None,
             backend="threads") -> FitManyResult:
    """The same model fitted to every data set, as ``pardo fit``: ordinary least squares
    (column-pivoted QR) or logistic regression (IRLS), one data set per task; the same bits
    as the command on any worker count.

    ``datasets`` is a mapping of names to tables, or a sequence of tables (named
    ``dataset0``, ``dataset1``, ...); a table maps column names to 1-D arrays (a dict, a
    pandas DataFrame) or is a numpy structured array. ``predictors`` None takes every column
    but ``response``. A data set that cannot be fitted (a missing column, too few rows,
    collinear predictors, separation, a response that is not 0/1 for logistic, values that
    make the estimates infinite) gets a result with its ``error``; the others are fitted.

    >>> r = pardo.stats.fit_many({"a": {"y": y1, "x": x1}, "b": {"y": y2, "x": x2}})
    >>> [(f.name, f.params, f.bse) for f in r.results]
    """
    if hasattr(datasets, "keys") and not (isinstance(datasets, np.ndarray)):
        named = [(str(k), datasets[k]) for k in datasets.keys()]
    elif isinstance(datasets, (list, tuple)):
        named = [(f"dataset{i}", t) for i, t in enumerate(datasets)]
    else:
        raise TypeError("datasets must be a mapping of names to tables or a list of tables; "
                        f"got {type(datasets).__name__}")
    if not isinstance(model, str) or not isinstance(response, str):
        raise TypeError("model and response must be strings")
    if predictors is None:
        predictors = []
    elif isinstance(predictors, str) or not all(isinstance(p, str) for p in predictors):
        raise TypeError("predictors must be a list of column names")
    lvl = float(level)
    if not 0 < lvl < 1:
        raise ValueError(f"level = {lvl!r}; it must be in (0, 1)")
    tolerance = float(tol)
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise ValueError(f"tol = {tolerance!r}; it must be finite and > 0")
    tables = [_table(name, table) for name, table in named]
    d = _pardo._fit_many(tables, model, response, list(predictors), bool(intercept), tolerance,
                         _count("max_iter", max_iter), lvl, _workers(workers), _backend(backend))
    results = [FitResult(name=r["name"], terms=r["terms"], params=r["params"], bse=r["bse"],
                         tvalues=r["tvalues"], pvalues=r["pvalues"],
                         conf_int=np.column_stack([r["low"], r["high"]]), nobs=r["n"],
                         rsquared=r["r_squared"], sigma=r["sigma"], llf=r["log_likelihood"],
                         iterations=r["iterations"], converged=r["converged"], error=r["error"])
               for r in d["rows"]]
    run = dict(d["run"])
    run.pop("seed")
    return FitManyResult(results=results, failed=d["failed"], run=RunInfo(seed=0, **run))
