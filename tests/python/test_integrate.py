"""pardo.integrate: the bits of `pardo integrate`, the known integrals, and bad input."""

import math

import pytest

import pardo

WORKERS = [1, 2, 7]


@pytest.mark.parametrize("function,dim,lower,upper", [
    ("ball", 3, -1.0, 1.0), ("cross-polytope", 4, -1.0, 1.0), ("gaussian", 2, -2.0, 2.0),
    ("cosine", 3, 0.0, 1.0)])
@pytest.mark.parametrize("method", ["plain", "stratified"])
def test_matches_the_cli_bit_for_bit(cli, function, dim, lower, upper, method):
    expected = cli("integrate", "--function", function, "--dim", dim, f"--lower={lower}",
                   f"--upper={upper}", "--method", method, "--samples", 300_001, "--seed", 6,
                   "--json", "-q")
    for workers in WORKERS:
        r = pardo.integrate(function, [lower] * dim, [upper] * dim, samples=300_001,
                            method=method, seed=6, workers=workers)
        assert (r.estimate, r.std_error) == (expected["estimate"], expected["std_error"])
        assert (r.interval.low, r.interval.high) == (expected["interval"]["low"],
                                                     expected["interval"]["high"])
        assert (r.samples, r.run.workers, r.run.complete) == (expected["samples"], workers, True)


def test_the_unit_ball_volume_is_within_its_interval():
    r = pardo.integrate("ball", -1, 1, dim=5, samples=10**7, seed=2)
    assert r.interval.low < 8 * math.pi**2 / 15 < r.interval.high
    assert (r.integral, r.standard_error) == (r.estimate, r.std_error)


def test_a_tolerance_stops_early():
    r = pardo.integrate("gaussian", -2, 2, dim=3, samples=10**9, rel_tol=1e-3, seed=1)
    assert r.tolerance_met and r.samples < 10**9
    assert 1.959964 * r.std_error < 1e-3 * abs(r.estimate)


def test_a_box_missing_the_support_warns():
    r = pardo.integrate("ball", [2.0, 2.0], [3.0, 3.0], samples=10_000)
    assert r.estimate == 0 and r.warning


@pytest.mark.parametrize("args,kwargs,error,message", [
    (("ball", -1, 1), {}, ValueError, "lower is one number: give dim"),
    (("ball", [0.0, 0.0], [1.0]), {}, ValueError, "lower has 2 bounds and upper 1"),
    (("ball", [0.0, float("nan")], [1.0, 1.0]), {}, ValueError, "lower has nan"),
    (("ball", [1.0], [0.0]), {}, ValueError, "lower"),
    (("sphere", [0.0], [1.0]), {}, ValueError, "function = 'sphere'"),
    (("ball", [0.0], [1.0]), {"method": "vegas"}, ValueError, "method = 'vegas'"),
    (("ball", [0.0], [1.0]), {"rel_tol": -1}, ValueError, "rel_tol = -1.0"),
    (("ball", [0.0], [1.0]), {"samples": 0}, ValueError, "samples = 0"),
    ((3, [0.0], [1.0]), {}, TypeError, "built-in integrand's name"),
])
def test_bad_arguments_are_named(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        pardo.integrate(*args, **kwargs)
