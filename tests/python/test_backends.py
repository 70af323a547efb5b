"""backend="processes": every workload from Python in pardo's worker processes (Python
interpreters running the C++ worker loop) gives the bits of backend="threads"; user
functions, which live in this process, are refused with a message."""

import numpy as np
import pytest

import pardo
import pardo.stats

WORKERS = [1, 2, 5]
X = np.random.default_rng(11).lognormal(size=300)


def same_bits(make):
    reference = make(backend="threads", workers=2)
    for workers in WORKERS:
        yield reference, make(backend="processes", workers=workers), workers


def test_pi():
    for ref, got, workers in same_bits(lambda **k: pardo.pi(10**7, seed=4, **k)):
        assert (got.estimate, got.run.backend, got.run.workers) == (ref.estimate, "processes",
                                                                    workers)


def test_integrate():
    for ref, got, _ in same_bits(lambda **k: pardo.integrate("gaussian", -2, 2, dim=3,
                                                             samples=10**5, seed=2, **k)):
        assert (got.estimate, got.std_error) == (ref.estimate, ref.std_error)


def test_mcmc():
    for ref, got, _ in same_bits(lambda **k: pardo.mcmc("mvnormal", chains=3, draws=500,
                                                        seed=1, **k)):
        np.testing.assert_array_equal(got.draws, ref.draws)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_bootstrap_and_permutation_test():
    for ref, got, _ in same_bits(lambda **k: pardo.stats.bootstrap(X, "median", seed=3,
                                                                   n_resamples=999, **k)):
        np.testing.assert_array_equal(got.bootstrap_distribution, ref.bootstrap_distribution)
    for ref, got, _ in same_bits(lambda **k: pardo.stats.permutation_test(
            (X[:100], X[100:]), seed=3, n_resamples=999, **k)):
        assert got.pvalue == ref.pvalue


def test_power_sample_size_and_fit_many():
    for ref, got, _ in same_bits(lambda **k: pardo.stats.power(15, replications=500, **k)):
        assert got.rejections == ref.rejections
    for ref, got, _ in same_bits(lambda **k: pardo.stats.sample_size(
            0.8, replications=300, seed=2, **k)):
        assert (got.n1, got.power.rejections) == (ref.n1, ref.power.rejections)
    sets = {"a": {"y": X[:100], "x": X[100:200]}, "b": {"y": X[200:], "x": X[:100]}}
    for ref, got, _ in same_bits(lambda **k: pardo.stats.fit_many(sets, **k)):
        assert [f.params.tolist() for f in got.results] == [f.params.tolist()
                                                             for f in ref.results]


def test_user_functions_are_refused_on_processes():
    message = "backend 'processes' runs pardo's built-in functions only"
    with pytest.raises(ValueError, match=message):
        pardo.stats.bootstrap(X, np.median, backend="processes")
    with pytest.raises(ValueError, match=message):
        pardo.integrate(lambda x: x[0], -1, 1, dim=1, backend="processes")
    with pytest.raises(ValueError, match=message):
        pardo.mcmc(lambda t: 0.0, dim=1, backend="processes")


def test_an_unknown_backend_is_named():
    with pytest.raises(ValueError, match="backend = 'gpu'; it must be 'threads' or 'serial' "
                                         "or 'processes'"):
        pardo.pi(10, backend="gpu")
