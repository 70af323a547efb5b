"""User functions in the workloads: numba @cfunc and scipy.LowLevelCallable integrands and
statistics (run without the GIL on every worker) and plain Python callables (under the GIL),
giving the same bits as the built-ins that compute the same thing."""

import ctypes

import numpy as np
import pytest
from numba import carray, cfunc
from scipy import LowLevelCallable

import pardo
import pardo.stats

WORKERS = [1, 2, 7]


def _in_ball(n, x):
    a = carray(x, (n,))
    r2 = 0.0
    for i in range(n):
        r2 += a[i] * a[i]
    return 1.0 if r2 <= 1.0 else 0.0


# The same function compiled with an int and with a long count.
in_ball = cfunc("float64(intc, CPointer(float64))")(_in_ball)
in_ball_long = cfunc("float64(int64, CPointer(float64))")(_in_ball)


@cfunc("float64(intc, CPointer(float64), voidptr)")
def scaled_ball(n, x, data):
    a = carray(x, (n,))
    scale = carray(data, (1,), dtype=np.float64)[0]
    r2 = 0.0
    for i in range(n):
        r2 += a[i] * a[i]
    return scale if r2 <= 1.0 else 0.0


@cfunc("float64(intc, CPointer(float64))")
def median(n, x):
    return np.median(carray(x, (n,)))


@cfunc("float64(CPointer(float64), intc)")
def wrong_order(x, n):
    return 0.0


def python_ball(x):
    return (np.sum(x * x, axis=0) <= 1.0).astype(float)


@pytest.mark.parametrize("workers", WORKERS)
@pytest.mark.parametrize("method", ["plain", "stratified"])
def test_a_compiled_integrand_gives_the_builtins_bits(workers, method):
    builtin = pardo.integrate("ball", -1, 1, dim=4, samples=200_000, method=method, seed=3)
    for f in (in_ball, LowLevelCallable(in_ball.ctypes), in_ball_long):
        r = pardo.integrate(f, -1, 1, dim=4, samples=200_000, method=method, seed=3,
                            workers=workers)
        assert (r.estimate, r.std_error) == (builtin.estimate, builtin.std_error)


def test_user_data_reaches_the_compiled_integrand():
    scale = ctypes.c_double(2.0)
    f = LowLevelCallable(scaled_ball.ctypes,
                         user_data=ctypes.cast(ctypes.pointer(scale), ctypes.c_void_p))
    r = pardo.integrate(f, -1, 1, dim=3, samples=100_000, seed=5)
    one = pardo.integrate("ball", -1, 1, dim=3, samples=100_000, seed=5)
    assert r.estimate == 2 * one.estimate


@pytest.mark.parametrize("workers", WORKERS)
def test_a_python_integrand_takes_points_as_columns_and_gives_the_same_bits(workers):
    seen = []

    def f(x):
        seen.append(x.shape)
        return python_ball(x)

    r = pardo.integrate(f, -1, 1, dim=3, samples=50_000, seed=9, workers=workers)
    builtin = pardo.integrate("ball", -1, 1, dim=3, samples=50_000, seed=9)
    assert r.estimate == builtin.estimate
    assert all(shape[0] == 3 for shape in seen) and sum(s[1] for s in seen) == 50_000


def test_a_python_integrands_exception_arrives_with_its_type():
    def f(x):
        raise KeyError("no such parameter")

    with pytest.raises(KeyError, match="no such parameter"):
        pardo.integrate(f, -1, 1, dim=2, samples=10_000, workers=2)


def test_a_python_integrand_of_the_wrong_shape_is_named():
    with pytest.raises(ValueError, match=r"returned shape \(2, \d+\) .* f takes x of shape"):
        pardo.integrate(lambda x: x, -1, 1, dim=2, samples=10_000)


def test_a_compiled_function_of_another_signature_is_refused_naming_it():
    with pytest.raises(TypeError, match=r"'double \(double \*, int\)'"):
        pardo.integrate(wrong_order, -1, 1, dim=2, samples=10_000)


def test_something_that_is_no_function_is_refused():
    with pytest.raises(TypeError, match="function must be a built-in integrand's name"):
        pardo.integrate(3, -1, 1, dim=2)
    with pytest.raises(TypeError, match="statistic must be a name"):
        pardo.stats.bootstrap(np.arange(10.0), 3)


@pytest.mark.parametrize("workers", WORKERS)
def test_a_compiled_statistic_gives_the_builtins_bits(workers):
    x = np.random.default_rng(4).lognormal(size=301)
    builtin = pardo.stats.bootstrap(x, "median", n_resamples=2000, seed=2)
    for f in (median, LowLevelCallable(median.ctypes)):
        r = pardo.stats.bootstrap(x, f, n_resamples=2000, seed=2, workers=workers)
        np.testing.assert_array_equal(r.bootstrap_distribution, builtin.bootstrap_distribution)
        assert r.confidence_interval == builtin.confidence_interval


@pytest.mark.parametrize("workers", WORKERS)
def test_a_python_statistic_gives_the_builtins_bits(workers):
    x = np.random.default_rng(5).normal(size=101)
    builtin = pardo.stats.bootstrap(x, "median", n_resamples=500, seed=8, method="percentile")
    r = pardo.stats.bootstrap(x, np.median, n_resamples=500, seed=8, method="percentile",
                              workers=workers)
    np.testing.assert_array_equal(r.bootstrap_distribution, builtin.bootstrap_distribution)


def test_a_python_statistics_errors_arrive_with_their_type():
    x = np.arange(20.0)
    with pytest.raises(ZeroDivisionError):
        pardo.stats.bootstrap(x, lambda s: 1 / 0, n_resamples=100, workers=2)
    with pytest.raises(TypeError, match="the statistic must return a number"):
        pardo.stats.bootstrap(x, lambda s: "high", n_resamples=100)
    with pytest.raises(ValueError, match="'a user function' takes one sample"):
        pardo.stats.bootstrap((x, x), np.mean)


@cfunc("float64(intc, CPointer(float64))")
def log_normal(n, theta):
    t = carray(theta, (n,))
    s = 0.0
    for i in range(n):
        s += (t[i] - 1.0) ** 2
    return -0.5 * s


def python_log_normal(theta):
    return -0.5 * float(np.sum((theta - 1.0) ** 2))


@pytest.mark.parametrize("workers", WORKERS)
def test_a_compiled_or_python_log_density_samples_the_same_chains(workers):
    compiled = pardo.mcmc(log_normal, dim=2, chains=3, warmup=200, draws=2000, seed=4,
                          workers=workers)
    python = pardo.mcmc(python_log_normal, dim=2, chains=3, warmup=200, draws=2000, seed=4,
                        workers=workers)
    np.testing.assert_array_equal(compiled.draws, python.draws)
    np.testing.assert_allclose(compiled.mean, [1.0, 1.0], atol=0.2)


def test_a_log_densitys_errors_arrive_with_their_type():
    def broken(theta):
        raise ArithmeticError("model failed")

    with pytest.raises(ArithmeticError, match="model failed"):
        pardo.mcmc(broken, dim=2, chains=2, draws=100, workers=2)
    with pytest.raises(TypeError, match="the log-density must return a number"):
        pardo.mcmc(lambda t: None, dim=2, chains=2, draws=100)


@cfunc("float64(intc, CPointer(float64), intc, CPointer(float64))")
def mean_difference(nx, x, ny, y):
    a, b = carray(x, (nx,)), carray(y, (ny,))
    sa = 0.0
    for i in range(nx):
        sa += a[i]
    sb = 0.0
    for i in range(ny):
        sb += b[i]
    return sa / nx - sb / ny


@pytest.mark.parametrize("workers", WORKERS)
def test_two_sample_statistics_compiled_or_python(workers):
    rng = np.random.default_rng(6)
    x, y = rng.normal(size=40), rng.normal(0.4, size=35)
    builtin = pardo.stats.permutation_test((x, y), "mean-diff", n_resamples=999, seed=1)
    compiled = pardo.stats.permutation_test((x, y), mean_difference, n_resamples=999, seed=1,
                                            workers=workers)
    python = pardo.stats.permutation_test((x, y), lambda u, v: u.mean() - v.mean(),
                                          n_resamples=999, seed=1, workers=workers)
    for r in (compiled, python):
        # The same arrangements; the sums may round apart from the built-in's in the last bit.
        np.testing.assert_allclose(r.null_distribution, builtin.null_distribution, rtol=1e-12,
                                   atol=1e-15)
        assert r.pvalue == pytest.approx(builtin.pvalue, abs=2 / 1000)
    np.testing.assert_allclose(compiled.null_distribution, python.null_distribution,
                               rtol=1e-12, atol=1e-15)


def test_two_sample_statistics_errors_and_signatures():
    x, y = np.arange(10.0), np.arange(10.0) + 1
    with pytest.raises(ZeroDivisionError):
        pardo.stats.permutation_test((x, y), lambda u, v: 1 / 0, n_resamples=99)
    with pytest.raises(TypeError, match=r"pardo calls 'double\(int,double\*,int,double\*\)'"):
        pardo.stats.permutation_test((x, y), in_ball, n_resamples=99)
    with pytest.raises(TypeError, match="statistic must be a name"):
        pardo.stats.permutation_test((x, y), 7)
    with pytest.raises(ValueError, match="backend 'processes' runs pardo's built-in"):
        pardo.stats.permutation_test((x, y), lambda u, v: 0.0, backend="processes")
