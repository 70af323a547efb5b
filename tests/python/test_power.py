"""pardo.stats.power: the bits of `pardo power`, the analytic power, and bad input."""

import pytest
from statsmodels.stats.power import TTestIndPower

import pardo.stats

WORKERS = [1, 2, 7]


@pytest.mark.parametrize("test,alternative,n2", [
    ("t", "two-sided", None), ("welch", "greater", 31), ("permutation", "less", None)])
def test_matches_the_cli_bit_for_bit(cli, test, alternative, n2):
    args = ["power", "--test", test, "--alternative", alternative, "--n1", 20,
            "--replications", 600, "--effect", 0.4, "--seed", 8]
    if test == "permutation":
        args += ["--permutations", 99]
    if n2 is not None:
        args += ["--n2", n2]
    expected = cli(*args, "--json", "-q")
    for workers in WORKERS:
        extra = {"permutations": 99} if test == "permutation" else {}
        r = pardo.stats.power(20, n2, effect=0.4, test=test, alternative=alternative,
                              replications=600, seed=8, workers=workers, **extra)
        assert (r.power, r.std_error, r.rejections) == (expected["estimate"],
                                                        expected["std_error"],
                                                        expected["rejections"])
        assert (r.interval.low, r.interval.high) == (expected["interval"]["low"],
                                                     expected["interval"]["high"])
        assert (r.replications, r.run.workers, r.run.complete) == (600, workers, True)


def test_the_t_tests_power_agrees_with_statsmodels():
    r = pardo.stats.power(64, effect=0.5, replications=40_000, seed=3)
    analytic = TTestIndPower().power(effect_size=0.5, nobs1=64, alpha=0.05, ratio=1.0)
    assert abs(r.power - analytic) < 4 * r.std_error


@pytest.mark.parametrize("kwargs,error,message", [
    ({"n1": 1}, ValueError, "n1 = 1"),
    ({"n2": 1}, ValueError, "n2 = 1"),
    ({"effect": float("nan")}, ValueError, "effect = nan"),
    ({"test": "z"}, ValueError, "test = 'z'"),
    ({"alternative": "both"}, ValueError, "alternative = 'both'"),
    ({"alpha": 1.5}, ValueError, "1.5"),
    ({"replications": 0}, ValueError, "replications = 0"),
    ({"test": "welch", "permutations": 99}, ValueError,
     "permutations = 99 applies to test='permutation' only"),
])
def test_bad_arguments_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        pardo.stats.power(**kwargs)


@pytest.mark.parametrize("test,ratio", [("t", 1.0), ("welch", 1.5)])
def test_the_sample_size_search_matches_the_cli_bit_for_bit(cli, test, ratio):
    expected = cli("power", "--test", test, "--target-power", 0.8, "--ratio", ratio,
                   "--effect", 0.6, "--replications", 800, "--seed", 4, "--json", "-q")
    for workers in WORKERS:
        r = pardo.stats.sample_size(0.6, target_power=0.8, test=test, ratio=ratio,
                                    replications=800, seed=4, workers=workers)
        assert (r.n1, r.n2, r.found) == (expected["n1"], expected["n2"], True)
        assert (r.power.power, r.power.rejections) == (expected["estimate"],
                                                       expected["rejections"])
        assert [(e.n1, e.n2, e.power, e.rejections) for e in r.evaluations] == [
            (e["n1"], e["n2"], e["power"], e["rejections"]) for e in expected["evaluations"]]
        assert r.power.power >= 0.8 and r.run.complete


def test_the_sample_size_search_agrees_with_statsmodels():
    r = pardo.stats.sample_size(0.5, target_power=0.8, replications=20_000, seed=2)
    analytic = TTestIndPower().solve_power(effect_size=0.5, power=0.8, alpha=0.05)
    assert abs(r.n1 - analytic) <= 4  # 63.8; simulation error moves the answer by a few


def test_a_target_beyond_max_n_is_reported_not_found():
    r = pardo.stats.sample_size(0.05, target_power=0.9, replications=400, max_n=40)
    assert (r.found, r.n1, r.n2) == (False, 0, 0)
    assert r.evaluations[-1].n1 == 40 and r.power.power < 0.9


@pytest.mark.parametrize("kwargs,error,message", [
    ({"target_power": 1.0}, ValueError, "target_power = 1.0"),
    ({"target_power": 0}, ValueError, "target_power = 0.0"),
    ({"ratio": -1}, ValueError, "ratio = -1.0"),
    ({"min_n": 50, "max_n": 10}, ValueError, "max_n = 10 is below min_n = 50"),
    ({"effect": float("inf")}, ValueError, "effect = inf"),
    ({"test": "t", "permutations": 9}, ValueError, "applies to test='permutation' only"),
])
def test_bad_search_arguments_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        pardo.stats.sample_size(**kwargs)
