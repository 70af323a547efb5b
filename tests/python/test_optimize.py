"""pardo.optimize: the bits of `pardo optimize` for every solver, compiled and Python
objectives, maximising, and bad input."""

import numpy as np
import pytest
from numba import carray, cfunc

import pardo

WORKERS = [1, 2, 7]


@cfunc("float64(intc, CPointer(float64))")
def shifted_sphere(n, x):
    a = carray(x, (n,))
    s = 0.0
    for i in range(n):
        s += (a[i] - 0.5) * (a[i] - 0.5)
    return s


@pytest.mark.parametrize("method", ["de", "pso", "cmaes", "nelder-mead", "powell"])
def test_matches_the_cli_bit_for_bit(cli, method):
    expected = cli("optimize", "--model", "rastrigin", "--dim", 3, "--solver", method,
                   "--seed", 4, "--max-evaluations", 1500, "--json", "-q")
    for workers in WORKERS:
        r = pardo.optimize.minimize("rastrigin", dim=3, method=method, seed=4, maxfev=1500,
                                    workers=workers)
        assert r.x.tolist() == expected["best"]["x"]
        assert (r.fun, r.nfev, r.nit) == (expected["best"]["value"], expected["evaluations"],
                                          expected["generations"])
        assert r.message == expected["termination"]
        assert r.success == (not r.message.startswith("evaluation_limit"))


def test_bounds_population_limits_and_target_match_the_cli(cli):
    expected = cli("optimize", "--model", "ackley", "--dim", 2, "--bounds", "-3:2,-1:4",
                   "--solver", "pso", "--population", 12, "--max-generations", 30,
                   "--vtr", 0.1, "--seed", 9, "--json", "-q")
    r = pardo.optimize.minimize("ackley", [(-3, 2), (-1, 4)], method="pso", population=12,
                                maxiter=30, target=0.1, seed=9)
    assert (r.fun, r.nfev, r.message) == (expected["best"]["value"], expected["evaluations"],
                                          expected["termination"])
    assert r.message.startswith("value_to_reach") and r.fun <= 0.1 and r.success


def test_maximize_matches_the_cli(cli):
    expected = cli("optimize", "--model", "peaks", "--solver", "de", "--maximize", "--seed", 2,
                   "--max-evaluations", 3000, "--json", "-q")
    r = pardo.optimize.maximize("peaks", method="de", seed=2, maxfev=3000)
    assert (r.fun, r.x.tolist()) == (expected["best"]["value"], expected["best"]["x"])
    assert r.fun > 8.0  # peaks' maximum is 8.106


@pytest.mark.parametrize("workers", WORKERS)
def test_compiled_and_python_objectives(workers):
    bounds = [(-2.0, 2.0)] * 3
    compiled = pardo.optimize.minimize(shifted_sphere, bounds, method="cmaes", seed=1,
                                       workers=workers)
    np.testing.assert_allclose(compiled.x, 0.5, atol=1e-4)
    python = pardo.optimize.minimize(lambda x: float(np.sum((x - 0.5) ** 2)), bounds,
                                     method="nelder-mead", seed=1, workers=workers)
    np.testing.assert_allclose(python.x, 0.5, atol=1e-3)
    assert python.success and python.history[-1] == python.fun


def test_a_python_objectives_error_arrives_with_its_type():
    def broken(x):
        raise FloatingPointError("simulation diverged")

    with pytest.raises(FloatingPointError, match="simulation diverged"):
        pardo.optimize.minimize(broken, [(0, 1)], workers=2)


@pytest.mark.parametrize("args,kwargs,error,message", [
    (("rosenbrock",), {"method": "bfgs"}, ValueError, "method = 'bfgs'"),
    (("nosuch",), {}, ValueError, "fun = 'nosuch'; the built-in models are sphere"),
    (("peaks",), {"dim": 3}, ValueError, "peaks is defined in 2 dimensions only"),
    ((lambda x: 0.0,), {}, ValueError, "bounds is needed for your own function"),
    (("sphere", [(1, 0)]), {}, ValueError, r"bounds\[0\] = \(1.0, 0.0\)"),
    (("sphere", [(0, float("inf"))]), {}, ValueError, "they must be finite"),
    (("sphere", [1, 2]), {}, TypeError, "bounds must be a sequence of"),
    (("sphere", [(0, 1)]), {"dim": 2}, ValueError, "dim = 2 but bounds has 1 axes"),
    (("sphere", [(0, 1)]), {"x0": [0.5, 0.5]}, ValueError, "x0 has 2 coordinates"),
    (("sphere",), {"method": "powell", "population": 10}, ValueError,
     "population applies to 'de', 'pso' or 'cmaes'"),
    (("sphere",), {"maxfev": 0}, ValueError, "maxfev = 0"),
    (("sphere",), {"time_limit": -1}, ValueError, "time_limit = -1.0"),
    (("sphere",), {"backend": "processes"}, ValueError, "optimize runs on 'threads'"),
    ((42,), {}, TypeError, "fun must be a built-in model's name"),
])
def test_bad_arguments_are_named(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        pardo.optimize.minimize(*args, **kwargs)
