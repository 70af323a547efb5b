"""pardo for Python: a crash-proof process pool, pardo's workloads and reproducible random
streams.

The same seed gives the same bits as the ``pardo`` command and the C++ library::

    >>> import pardo
    >>> r = pardo.pi(10**8, seed=7)
    >>> r.estimate, r.std_error, (r.interval.low, r.interval.high)

    >>> import numpy as np
    >>> g = np.random.Generator(pardo.random.Philox(7, stream=3))
    >>> g.standard_normal(4)

docs/python.md has the whole guide.
"""

from . import optimize, random, stats
from ._pardo import __version__
from ._pool import (AsyncResult, Pool, ProcessPoolExecutor, RemoteError, WorkerCrashed,
                    WorkerStalled)
from ._results import IntegrateResult, Interval, McmcResult, PiResult, RunInfo
from ._state import Shared, worker_value
from ._workloads import integrate, mcmc, pi

__all__ = ["AsyncResult", "IntegrateResult", "Interval", "McmcResult", "PiResult", "Pool",
           "ProcessPoolExecutor", "RemoteError", "RunInfo", "Shared", "WorkerCrashed",
           "WorkerStalled", "__version__", "integrate", "mcmc", "optimize", "pi", "random",
           "stats", "worker_value"]
