#!/usr/bin/python3
"""The numpy peer of bench/mcmc (bench/mcmc/python/diagnostics.py) computes what pardo does.

On the fixed draws of tests/stats/data/mcmc_diagnostics.csv, whose split R-hat and bulk ESS
test_mcmc_diagnostics.cpp checks pardo against (to 1e-9 relative), the peer's values must be
the same to 1e-9 relative: then the benchmark compares like with like. Exit 77 (skipped)
without numpy and scipy.
"""
import importlib.util
import os
import sys

try:
    import numpy as np
    import scipy.special  # noqa: F401
except ImportError:
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "peer", os.path.join(HERE, "..", "..", "bench", "mcmc", "python", "diagnostics.py"))
peer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(peer)

failures = 0
with open(os.path.join(HERE, "data", "mcmc_diagnostics.csv")) as cases:
    for line in cases:
        fields = line.rstrip("\n").split(",")
        name, chains, rhat, ess = fields[0], int(fields[1]), float(fields[2]), float(fields[3])
        draws = np.array([float(v) for v in fields[4:]]).reshape(chains, -1)
        got_rhat, got_ess = peer.diagnose(draws)
        for what, got, want in (("rhat", got_rhat, rhat), ("ess", got_ess, ess)):
            if not abs(got - want) <= 1e-9 * abs(want):
                print(f"FAIL: {name}: the peer's {what} is {got!r}, pardo's reference {want!r}")
                failures += 1
if failures:
    sys.exit(1)
print("the numpy peer's split R-hat and bulk ESS agree with pardo's reference to 1e-9")
