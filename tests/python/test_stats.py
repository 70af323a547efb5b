"""pardo.stats.bootstrap: the bits of `pardo bootstrap`, scipy's names, scipy's answers."""

import numpy as np
import pytest
import scipy.stats

import pardo.stats

WORKERS = [1, 2, 7]


def write_csv(path, columns):
    names = list(columns)
    rows = zip(*columns.values())
    path.write_text(",".join(names) + "\n" + "".join(
        ",".join(repr(float(v)) for v in row) + "\n" for row in rows))
    return path


@pytest.fixture(scope="module")
def sample():
    return np.random.default_rng(20261205).lognormal(size=401)


@pytest.mark.parametrize("statistic", ["mean", "median", "std", "var"])
@pytest.mark.parametrize("method", ["percentile", "basic", "BCa"])
def test_matches_the_cli_bit_for_bit(cli, tmp_path, sample, statistic, method):
    path = write_csv(tmp_path / "x.csv", {"x": sample})
    expected = cli("bootstrap", path, "--statistic", statistic, "--method", method.lower(),
                   "--seed", 11, "--resamples", 999, "--json", "--distribution", "-q")
    for workers in WORKERS:
        r = pardo.stats.bootstrap(sample, statistic, n_resamples=999, method=method, seed=11,
                                  workers=workers)
        assert r.confidence_interval.low == expected["interval"]["low"]
        assert r.confidence_interval.high == expected["interval"]["high"]
        assert r.standard_error == expected["std_error"]
        assert r.estimate == expected["estimate"]
        assert r.bootstrap_distribution.tolist() == expected["distribution"]
        assert (r.n_resamples, r.run.workers, r.run.complete) == (999, workers, True)


def test_pearson_resamples_pairs_like_the_cli(cli, tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(size=200)
    y = 0.6 * x + rng.normal(size=200)
    path = write_csv(tmp_path / "xy.csv", {"x": x, "y": y})
    expected = cli("bootstrap", path, "--statistic", "pearson", "--columns", "x,y", "--seed", 2,
                   "--json", "-q")
    r = pardo.stats.bootstrap((x, y), "pearson", seed=2, backend="serial")
    assert (r.confidence_interval.low, r.confidence_interval.high) == (
        expected["interval"]["low"], expected["interval"]["high"])
    assert r.estimate == pytest.approx(np.corrcoef(x, y)[0, 1], rel=1e-12)


@pytest.mark.parametrize("statistic,function", [("mean", np.mean), ("median", np.median)])
def test_agrees_with_scipy_within_monte_carlo_error(sample, statistic, function):
    ours = pardo.stats.bootstrap((sample,), statistic, n_resamples=20_000, seed=5)
    theirs = scipy.stats.bootstrap((sample,), function, n_resamples=20_000, method="BCa",
                                   random_state=np.random.default_rng(5))
    # Two independent bootstraps: the ends differ by a few Monte Carlo errors at most.
    width = theirs.confidence_interval.high - theirs.confidence_interval.low
    assert abs(ours.confidence_interval.low - theirs.confidence_interval.low) < 0.05 * width
    assert abs(ours.confidence_interval.high - theirs.confidence_interval.high) < 0.05 * width
    assert ours.standard_error == pytest.approx(theirs.standard_error, rel=0.05)
    assert ours.bootstrap_distribution.shape == (20_000,)


@pytest.mark.parametrize("args,kwargs,error,message", [
    (([1.0, np.nan, 2.0],), {}, ValueError, "nan"),
    (([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]],), {}, ValueError, "shape \\(3, 2\\)"),
    ((["a", "b"],), {}, TypeError, "data must be numbers"),
    (([1.0, 2.0, 3.0], "mode"), {}, ValueError, "statistic = 'mode'"),
    (([1.0, 2.0, 3.0],), {"method": "studentized"}, ValueError, "method = 'studentized'"),
    (([1.0, 2.0, 3.0],), {"n_resamples": 0}, ValueError, "n_resamples = 0"),
    (([1.0, 2.0, 3.0],), {"confidence_level": 1.5}, ValueError, "1.5"),
    (([1.0, 2.0, 3.0],), {"jackknife_groups": 1}, ValueError, "jackknife_groups = 1"),
    ((([1.0, 2.0], [1.0]), "pearson"), {}, ValueError, "same length"),
    (([1.0, 2.0, 3.0], "pearson"), {}, ValueError, "needs data = \\(x, y\\)"),
])
def test_bad_arguments_are_named(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        pardo.stats.bootstrap(*args, **kwargs)


def test_the_distribution_is_a_numpy_array_in_resample_order():
    x = np.arange(50.0)
    a = pardo.stats.bootstrap(x, "mean", n_resamples=300, seed=9)
    b = pardo.stats.bootstrap(x, "mean", n_resamples=600, seed=9)
    assert isinstance(a.bootstrap_distribution, np.ndarray)
    # Blocks of 128 resamples fix the streams: a longer run starts with the shorter one's.
    assert np.array_equal(b.bootstrap_distribution[:256], a.bootstrap_distribution[:256])


@pytest.fixture(scope="module")
def two_samples():
    rng = np.random.default_rng(11)
    return rng.normal(size=40), rng.normal(0.5, size=40)


@pytest.mark.parametrize("permutation_type,statistic,design", [
    ("independent", "mean-diff", "independent"), ("independent", "t", "independent"),
    ("samples", "mean-diff", "paired"), ("pairings", "pearson", "correlation")])
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_permutation_test_matches_the_cli_bit_for_bit(cli, tmp_path, two_samples,
                                                      permutation_type, statistic, design,
                                                      alternative):
    x, y = two_samples
    path = write_csv(tmp_path / "xy.csv", {"x": x, "y": y})
    expected = cli("permtest", path, "--design", design, "--statistic", statistic,
                   "--alternative", alternative, "--permutations", 2000, "--seed", 4, "--json",
                   "--distribution", "-q")
    for workers in WORKERS:
        r = pardo.stats.permutation_test((x, y), statistic, permutation_type=permutation_type,
                                         alternative=alternative, n_resamples=2000, seed=4,
                                         workers=workers)
        # The command's JSON calls the p-value its estimate (docs/pardo.schema.json).
        assert (r.statistic, r.pvalue) == (expected["statistic"], expected["estimate"])
        assert r.std_error == expected["std_error"]
        assert r.null_distribution.tolist() == expected["null_distribution"]
        assert (r.n_resamples, r.exact, r.run.workers) == (2000, False, workers)


def test_permutation_test_of_unequal_samples_agrees_with_scipy():
    rng = np.random.default_rng(12)
    x, y = rng.normal(size=30), rng.normal(0.4, size=45)
    ours = pardo.stats.permutation_test((x, y), n_resamples=40_000, seed=3)
    theirs = scipy.stats.permutation_test(
        (x, y), lambda a, b: np.mean(a) - np.mean(b), n_resamples=40_000,
        random_state=np.random.default_rng(3))
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-12)
    # Independent Monte Carlo p-values: within 4 of their combined standard errors.
    p = theirs.pvalue
    assert abs(ours.pvalue - p) < 4 * np.sqrt(2 * p * (1 - p) / 40_000) + 1e-4


def test_small_samples_are_enumerated_exactly():
    r = pardo.stats.permutation_test(([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), alternative="less")
    # 20 ways to split 6 values into 3 and 3; only the observed one is as low.
    assert (r.exact, r.n_resamples, r.pvalue, r.std_error) == (True, 20, 1 / 20, 0.0)


@pytest.mark.parametrize("args,kwargs,error,message", [
    (([1.0, 2.0],), {}, ValueError, "x must be one-dimensional; it has shape \\(\\)"),
    ((([1.0, 2.0],),), {}, ValueError, "two samples"),
    ((([1.0, np.inf], [1.0, 2.0]),), {}, ValueError, "inf"),
    ((([1.0, 2.0], [1.0, 2.0]),), {"permutation_type": "bogus"}, ValueError,
     "permutation_type = 'bogus'"),
    ((([1.0, 2.0], [1.0, 2.0]), "pearson"), {}, ValueError, "pearson goes with 'pairings'"),
    ((([1.0, 2.0], [1.0, 2.0]),), {"alternative": "both"}, ValueError, "alternative = 'both'"),
    ((([1.0, 2.0, 3.0], [1.0, 2.0]),), {"permutation_type": "samples"}, ValueError, "3"),
])
def test_permutation_test_bad_arguments_are_named(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        pardo.stats.permutation_test(*args, **kwargs)
