"""pardo.mcmc: the draws and summaries of `pardo mcmc`, bit for bit, and its warnings."""

import warnings

import numpy as np
import pytest

import pardo

WORKERS = [1, 2, 7]


@pytest.mark.parametrize("target,dim", [("mvnormal", 3), ("banana", 2)])
def test_matches_the_cli_bit_for_bit(cli, tmp_path, target, dim):
    saved = tmp_path / "draws.npy"
    expected = cli("mcmc", "--target", target, "--dim", dim, "--chains", 3, "--draws", 500,
                   "--warmup", 200, "--seed", 9, "--save-draws", saved, "--json", "-q")
    table = np.load(saved)  # columns chain, draw, x[0], ...
    for workers in WORKERS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = pardo.mcmc(target, dim=dim, chains=3, draws=500, warmup=200, seed=9,
                           workers=workers)
        assert r.draws.shape == (3, 500, dim)
        assert np.array_equal(r.draws.reshape(-1, dim), table[:, 2:])
        for k, p in enumerate(expected["parameters"]):
            assert (r.mean[k], r.sd[k], r.mcse[k]) == (p["estimate"], p["sd"], p["std_error"])
            assert (r.rhat[k], r.ess[k]) == (p["rhat"], p["ess_bulk"])
        assert r.acceptance_rate.tolist() == expected["acceptance_rate"]
        assert r.step_size.tolist() == expected["step_size"]
        assert r.warnings == [w.replace("(--warmup, --draws)", "(warmup, draws)")
                              .replace("(--draws)", "(draws)") for w in expected["warnings"]]
        assert (r.steps, r.run.workers, r.run.complete) == (3 * 700, workers, True)


def test_short_chains_warn_and_long_ones_do_not():
    with pytest.warns(RuntimeWarning, match="bulk ESS below 400 for x\\[0\\], x\\[1\\]"):
        short = pardo.mcmc(dim=2, chains=2, draws=100, warmup=50, seed=1)
    assert len(short.warnings) >= 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        long = pardo.mcmc(dim=2, chains=4, draws=20_000, seed=1)
    assert long.warnings == []
    # The AR(1)-correlated normal has means 1..dim: within 5 Monte Carlo errors.
    assert np.all(np.abs(long.mean - [1.0, 2.0]) < 5 * long.mcse)


@pytest.mark.parametrize("kwargs,error,message", [
    ({"target": "funnel"}, ValueError, "target = 'funnel'"),
    ({"target": "banana", "dim": 1}, ValueError, "the banana needs at least 2"),
    ({"dim": 0}, ValueError, "dim = 0"),
    ({"draws": 3}, ValueError, "draws is 3; at least 4"),
    ({"chains": 0}, ValueError, "chains = 0"),
    ({"step_size": -1}, ValueError, "step_size = -1.0"),
    ({"thin": 0}, ValueError, "thin = 0"),
    ({"target": 3}, TypeError, "target must be"),
])
def test_bad_arguments_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        pardo.mcmc(**kwargs)
