"""pardo.stats.fit_many: the bits of `pardo fit`, statsmodels' values, failures kept to
their own data set, and bad input."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import pardo.stats

WORKERS = [1, 2, 7]


def ols_sets(count=4, rows=60, seed=1):
    rng = np.random.default_rng(seed)
    sets = {}
    for i in range(count):
        x1, x2 = rng.normal(size=rows), rng.normal(size=rows)
        sets[f"s{i}"] = {"y": 1 + 2 * x1 - x2 + rng.normal(size=rows), "x1": x1, "x2": x2}
    return sets


def logistic_sets(count=3, rows=400, seed=2):
    rng = np.random.default_rng(seed)
    sets = {}
    for i in range(count):
        x = rng.normal(size=rows)
        p = 1 / (1 + np.exp(-(0.3 + 1.2 * x)))
        sets[f"l{i}"] = {"y": (rng.random(rows) < p).astype(float), "x": x}
    return sets


def write(sets, folder):
    for name, table in sets.items():
        names = list(table)
        np.savetxt(folder / f"{name}.csv", np.column_stack([table[c] for c in names]),
                   delimiter=",", header=",".join(names), comments="", fmt="%.17g")


@pytest.mark.parametrize("model,sets", [("ols", ols_sets()), ("logistic", logistic_sets())])
def test_matches_the_cli_bit_for_bit(cli, tmp_path, model, sets):
    write(sets, tmp_path)
    expected = cli("fit", tmp_path, "--model", model, "--level", 0.9, "--json", "-q")
    for workers in WORKERS:
        r = pardo.stats.fit_many(sets, model=model, level=0.9, workers=workers)
        assert r.failed == expected["failed"] == 0
        assert [f.name for f in r.results] == [row["name"] for row in expected["rows"]]
        for f, row in zip(r.results, expected["rows"]):
            assert f.terms == row["terms"]
            assert f.params.tolist() == row["estimates"]
            assert f.bse.tolist() == row["std_errors"]
            assert f.pvalues.tolist() == [c["p_value"] for c in row["coefficients"]]
            assert f.conf_int[:, 0].tolist() == [c["interval"]["low"]
                                                 for c in row["coefficients"]]
            assert (f.nobs, f.converged) == (row["n"], row["converged"])


def test_agrees_with_statsmodels():
    sets = ols_sets(count=2)
    r = pardo.stats.fit_many(sets)
    for f, table in zip(r.results, sets.values()):
        X = sm.add_constant(np.column_stack([table["x1"], table["x2"]]))
        ref = sm.OLS(table["y"], X).fit()
        np.testing.assert_allclose(f.params, ref.params, rtol=1e-10)
        np.testing.assert_allclose(f.bse, ref.bse, rtol=1e-10)
        np.testing.assert_allclose(f.conf_int, ref.conf_int(0.05), rtol=1e-9)
        assert f.rsquared == pytest.approx(ref.rsquared, rel=1e-12)
    logistic = logistic_sets(count=1)
    f = pardo.stats.fit_many(logistic, model="logistic").results[0]
    table = logistic["l0"]
    ref = sm.Logit(table["y"], sm.add_constant(table["x"])).fit(disp=0)
    np.testing.assert_allclose(f.params, ref.params, rtol=1e-8)
    np.testing.assert_allclose(f.bse, ref.bse, rtol=1e-6)
    assert f.llf == pytest.approx(ref.llf, rel=1e-10)


def test_a_data_set_that_cannot_be_fitted_fails_alone():
    sets = ols_sets(count=2)
    sets["short"] = {"y": [1.0, 2.0], "x1": [1.0, 2.0], "x2": [3.0, 5.0]}
    sets["collinear"] = {"y": [1.0, 2.0, 4.0, 3.0], "x1": [1.0, 2.0, 3.0, 4.0],
                         "x2": [2.0, 4.0, 6.0, 8.0]}
    sets["huge"] = {"y": [1e308, -1e308, 1e308, 5.0], "x1": [1.0, 2.0, 3.0, 4.0],
                    "x2": [0.5, 0.1, 0.9, 0.3]}
    r = pardo.stats.fit_many(sets, workers=2)
    by_name = {f.name: f for f in r.results}
    assert r.failed == 3
    assert "too few" in by_name["short"].error
    assert "collinear" in by_name["collinear"].error
    assert by_name["huge"].error and by_name["huge"].params.size == 0
    alone = pardo.stats.fit_many({"s0": sets["s0"]}).results[0]
    assert by_name["s0"].params.tolist() == alone.params.tolist()


def test_tables_may_be_dataframes_structured_arrays_or_a_list():
    table = ols_sets(count=1)["s0"]
    expected = pardo.stats.fit_many({"a": table}).results[0].params.tolist()
    frame = pd.DataFrame(table)
    records = np.rec.fromarrays([table["y"], table["x1"], table["x2"]], names="y,x1,x2")
    r = pardo.stats.fit_many([frame, records], predictors=["x1", "x2"])
    assert [f.name for f in r.results] == ["dataset0", "dataset1"]
    assert all(f.params.tolist() == expected for f in r.results)
    no_const = pardo.stats.fit_many([table], intercept=False).results[0]
    assert no_const.terms == ["x1", "x2"]


@pytest.mark.parametrize("datasets,kwargs,error,message", [
    (3, {}, TypeError, "datasets must be a mapping"),
    ([[1, 2]], {}, TypeError, "data set 'dataset0' must be a mapping"),
    ({"a": {"y": [1.0, 2.0], "x": [1.0]}}, {}, ValueError, r"columns of different lengths"),
    ({"a": {"y": ["a", "b"]}}, {}, TypeError, "data set 'a', column 'y': not numbers"),
    ({"a": {"y": np.zeros((2, 2))}}, {}, ValueError, "column 'y': 2-D"),
    ({}, {"model": "probit"}, ValueError, "model = 'probit'"),
    ({}, {"level": 1.5}, ValueError, "level = 1.5"),
    ({}, {"tol": 0}, ValueError, "tol = 0.0"),
    ({}, {"max_iter": 0}, ValueError, "max_iter = 0"),
    ({}, {"predictors": "x1"}, TypeError, "predictors must be a list"),
])
def test_bad_arguments_are_named(datasets, kwargs, error, message):
    with pytest.raises(error, match=message):
        pardo.stats.fit_many(datasets, **kwargs)
