"""The result objects of pardo's workloads, with scipy's names where scipy has the thing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Interval:
    """A confidence interval: ``low`` and ``high`` at confidence ``level`` (0.95: 95%)."""

    low: float
    high: float
    level: float


@dataclass(frozen=True)
class RunInfo:
    """Where and how a workload ran: ``complete`` is False when it was stopped early."""

    backend: str
    workers: int
    seed: int
    blocks_done: int
    blocks_total: int
    seconds: float
    complete: bool


@dataclass(frozen=True)
class PiResult:
    """A Monte Carlo estimate of pi: ``estimate`` = 4 hits / samples, its ``std_error`` and
    the 95% ``interval`` (estimate -/+ 1.959964 std_error), as ``pardo pi`` prints them."""

    estimate: float
    std_error: float
    interval: Interval
    samples: int
    hits: int
    block_samples: int
    run: RunInfo


@dataclass(frozen=True)
class ConfidenceInterval:
    """scipy's name for an interval: ``low`` and ``high`` (NaN where BCa is undefined)."""

    low: float
    high: float


@dataclass(frozen=True, eq=False)
class BootstrapResult:
    """A bootstrap interval with scipy.stats.bootstrap's attributes (``confidence_interval``,
    ``bootstrap_distribution`` in resample order, ``standard_error``) and pardo's: the
    ``estimate`` (the statistic of the data), ``bias``, BCa's ``bias_correction`` and
    ``acceleration``, ``note`` (why an interval is NaN, if it is), ``n_resamples`` drawn and
    ``run``."""

    confidence_interval: ConfidenceInterval
    bootstrap_distribution: object
    standard_error: float
    estimate: float
    confidence_level: float
    bias: float
    bias_correction: float
    acceleration: float
    note: str
    n_resamples: int
    run: RunInfo


@dataclass(frozen=True, eq=False)
class PermutationTestResult:
    """A permutation test with scipy.stats.permutation_test's attributes (``statistic``,
    ``pvalue``, ``null_distribution``) and pardo's: the p-value's Monte Carlo
    ``std_error`` (0 when ``exact``), ``n_resamples`` (arrangements evaluated), ``exact``
    (every arrangement enumerated) and ``run``."""

    statistic: float
    pvalue: float
    null_distribution: object
    std_error: float
    n_resamples: int
    exact: bool
    run: RunInfo


@dataclass(frozen=True)
class IntegrateResult:
    """A Monte Carlo integral: ``estimate`` (volume times the mean of f), its ``std_error``,
    the 95% ``interval``, the ``samples`` evaluated, the grid's ``strata`` (1 when plain),
    ``tolerance_met`` (False without a tolerance), a ``warning`` (e.g. f was zero at every
    point) and ``run``. ``integral`` and ``standard_error`` are scipy's qmc_quad names."""

    estimate: float
    std_error: float
    interval: Interval
    samples: int
    strata: int
    tolerance_met: bool
    warning: str
    run: RunInfo

    @property
    def integral(self) -> float:
        return self.estimate

    @property
    def standard_error(self) -> float:
        return self.std_error


@dataclass(frozen=True, eq=False)
class McmcResult:
    """Random-walk Metropolis chains: ``draws`` as a (chains, draws, dim) array, and per
    parameter (arrays of dim) the pooled ``mean``, ``sd``, ``mcse`` (sd / sqrt(ess)), the
    rank-normalised split ``rhat`` and bulk ``ess``; per chain the ``acceptance_rate`` and
    the frozen ``step_size``; the ``steps`` made, ``sampling_seconds``, convergence
    ``warnings`` (R-hat above 1.01, bulk ESS below 400) and ``run``."""

    draws: object
    mean: object
    sd: object
    mcse: object
    rhat: object
    ess: object
    acceptance_rate: object
    step_size: object
    steps: int
    sampling_seconds: float
    warnings: list
    run: RunInfo


@dataclass(frozen=True)
class PowerResult:
    """A simulated power: ``power`` = rejections / replications, its ``std_error``, the 95%
    Wilson ``interval``, the ``replications`` run, the ``rejections`` and ``run``."""

    power: float
    std_error: float
    interval: Interval
    replications: int
    rejections: int
    run: RunInfo


@dataclass(frozen=True)
class PowerEvaluation:
    """One power estimate a sample-size search made, at group sizes ``n1`` and ``n2``."""

    n1: int
    n2: int
    power: float
    rejections: int


@dataclass(frozen=True)
class SampleSizeResult:
    """The smallest group sizes ``n1``, ``n2`` whose simulated power reaches the target
    (``found`` False, and n1 = n2 = 0, if even ``max_n`` falls short), the estimate there
    (``power``, a PowerResult; at max_n if not found), every ``evaluations`` made, in order,
    and ``run`` over the whole search."""

    n1: int
    n2: int
    found: bool
    power: PowerResult
    evaluations: list
    run: RunInfo


@dataclass(frozen=True, eq=False)
class FitResult:
    """One data set's fit, with statsmodels' names: ``params``, ``bse`` (standard errors),
    ``tvalues`` (t for OLS, z for logistic), two-sided ``pvalues`` and ``conf_int`` (rows
    of low, high at the level asked for), one per term of ``terms`` ("const" first with an
    intercept); ``nobs``, OLS's ``rsquared`` and ``sigma``, logistic's ``llf`` and
    ``iterations``, ``converged``. A data set that could not be fitted has its reason in
    ``error`` and empty arrays."""

    name: str
    terms: list
    params: object
    bse: object
    tvalues: object
    pvalues: object
    conf_int: object
    nobs: int
    rsquared: float
    sigma: float
    llf: float
    iterations: int
    converged: bool
    error: str


@dataclass(frozen=True, eq=False)
class FitManyResult:
    """``results``: a FitResult per data set, in the order given; ``failed``: how many have
    an error; ``run``: one block per data set."""

    results: list
    failed: int
    run: RunInfo


@dataclass(frozen=True, eq=False)
class OptimizeResult:
    """The best point found, with scipy's names: ``x``, ``fun`` (its value), ``nfev`` (all
    evaluations), ``nit`` (generations), ``message`` (the stopping condition that held),
    ``success`` (False when a budget, not the solver's own rule or the target, stopped it);
    and ``history`` (the best value after each generation), ``failures``, ``seconds``."""

    x: object
    fun: float
    nfev: int
    nit: int
    message: str
    success: bool
    history: object
    failures: int
    seconds: float
