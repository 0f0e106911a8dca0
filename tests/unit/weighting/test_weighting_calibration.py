"""Calibration on a Wijkprofiel-like edition: margins per wijk, tiny wijken, collapsing, trimming,
and the fast variance paths against the plain ones."""

import numpy as np
import pandas as pd
import pytest

from weighting import calibration, estimation, variance
from weighting.calibration.cells import code_margin
from weighting.design import Design
from weighting.diagnostics import collapse_log, weight_diagnostics
from weighting.errors import EmptyCellError
from weighting.synthetic import CATEGORIES, synthetic_edition


@pytest.fixture(scope="module")
def edition():
    # 3,000 respondents over 71 wijken; the three smallest wijken have a few hundred residents
    return synthetic_edition(3000, seed=5)


@pytest.fixture(scope="module")
def design(edition):
    respondents, _ = edition
    return Design(respondents, strata="wijk", design_weight="dw", fpc="N_h", source="respondents.csv")


@pytest.fixture(scope="module")
def raked(design, edition):
    return calibration.rake(design, edition[1], collapse_min=10)


def test_tiny_wijken_need_collapsing(design, edition):
    with pytest.raises(EmptyCellError, match="has population total .* but no respondents"):
        calibration.rake(design, edition[1])


def test_collapsing_is_logged_and_margins_hold(raked, edition):
    log = collapse_log(raked)
    assert len(log) > 0
    assert set(log["variable"]) <= set(CATEGORIES)
    assert log["within"].str.startswith("wijk=").all()
    assert (log["reason"] == "fewer than 10 respondents").all()
    respondents = raked.frame
    # every original margin still holds for each wijk as a whole, and for every category that
    # was not merged away
    for margin in edition[1]:
        var = margin.columns[1]
        got = pd.Series(raked.weights).groupby([respondents["wijk"], respondents[var]]).sum()
        merged = log[log["variable"] == var]
        merged_wijken = {w.split("'")[1] for w in merged["within"]}
        expected = margin.set_index(["wijk", var])["total"]
        for (wijk, cat), total in expected.items():
            if wijk not in merged_wijken:
                assert got.get((wijk, cat), 0.0) == pytest.approx(total, rel=1e-7)
        per_wijk = pd.Series(raked.weights).groupby(respondents["wijk"]).sum()
        np.testing.assert_allclose(per_wijk.sort_index(), margin.groupby("wijk")["total"].sum().sort_index(), rtol=1e-7)


def test_after_collapsing_cells_have_enough_respondents(design, edition):
    raked = calibration.rake(design, edition[1], collapse_min=10)
    for margin in edition[1]:
        var = margin.columns[1]
        coded = code_margin(design, calibration.Margin(margin, "m"), 10, [])
        # a cell below 10 remains only when its whole wijk has fewer than 10 respondents
        small = coded.count < 10
        wijk_n = design.frame.groupby("wijk").size()
        for name in np.array(coded.names)[small]:
            wijk = name.split("'")[1]
            assert wijk_n[wijk] < 10 or name.count("+") == len(CATEGORIES[var]) - 1
    assert raked.diagnostics["converged"]


def test_diagnostics_per_wijk(raked):
    diag = weight_diagnostics(raked)
    assert len(diag) == 71 + 1 and diag["stratum"].iloc[-1] == "(all)"
    assert (diag["kish_deff"] >= 1 - 1e-12).all()
    np.testing.assert_allclose(diag["n_eff"], diag["n"] / diag["kish_deff"])
    assert (diag["g_min"] <= diag["g_max"]).all() and (diag["weight_min"] > 0).all()
    assert diag["iterations"].iloc[0] == raked.diagnostics["iterations"] > 1


def test_fast_raking_projection_equals_r_loop(raked):
    rng = np.random.default_rng(0)
    step = raked.steps[0]
    x = rng.normal(size=raked.n)
    np.testing.assert_allclose(step.residualize(x), step.residualize_direct(x), atol=1e-12)
    X = rng.normal(size=(raked.n, 3))
    np.testing.assert_allclose(step.residualize(X), step.residualize_direct(X), atol=1e-12)


def test_stacked_domain_variance_equals_one_column_per_domain(raked):
    # estimates by wijk and by gebied use one stacked pass; check against explicit columns
    y = pd.to_numeric(raked.frame["cijfer"]).to_numpy()
    for by in ("wijk", "gebied"):
        d = pd.factorize(raked.frame[by], sort=True)[0]
        d = np.where(np.isnan(y), -1, d)
        D = d.max() + 1
        w = raked.weights
        z = np.zeros(raked.n)
        ok = d >= 0
        W = np.bincount(d[ok], weights=w[ok], minlength=D)
        ybar = np.bincount(d[ok], weights=(w * y)[ok], minlength=D) / W
        z[ok] = w[ok] * (y[ok] - ybar[d[ok]]) / W[d[ok]]
        assert variance.domain_attribution(raked, d) is not None
        fast = variance.domain_variance(raked, z, d, D)
        X = np.zeros((raked.n, D))
        X[np.flatnonzero(ok), d[ok]] = z[ok]
        slow = variance.column_variance(raked, variance.residualize(raked, X))
        np.testing.assert_allclose(fast, slow, rtol=1e-10)
        np.testing.assert_allclose(np.sqrt(fast), estimation.mean(raked, "cijfer", by=by)["se"], rtol=1e-12)


def test_domains_for_every_wijk_gebied_and_crossing(raked):
    by_wijk = estimation.mean(raked, "cijfer", by=["wijk"])
    by_gebied = estimation.proportion(raked, "onveilig", ["vaak", "soms"], by="gebied", ci="beta")
    crossed = estimation.mean(raked, "cijfer", by=["gebied", "sex"])
    assert len(by_wijk) == 71 and len(by_gebied) == 14 and len(crossed) == 28
    # a domain estimate is the weighted mean of its respondents with an answer
    f = raked.frame.assign(w=raked.weights)
    sub = f[(f.gebied == crossed.gebied[0]) & (f.sex == crossed.sex[0]) & f.cijfer.notna()]
    assert crossed.estimate[0] == pytest.approx((sub.w * sub.cijfer).sum() / sub.w.sum(), rel=1e-12)
    assert crossed.n[0] == len(sub)
    assert (by_gebied.ci_low < by_gebied.estimate).all() and (by_gebied.estimate < by_gebied.ci_high).all()


def test_calibrate_per_wijk_equals_rake_weights(design, edition):
    # raking by IPF and calibrate(calfun="raking") reach the same weights (Deville & Särndal 1992)
    raked = calibration.rake(design, edition[1], collapse_min=10, epsilon=1e-13)
    cal = calibration.calibrate(design, edition[1], calfun="raking", collapse_min=10, epsilon=1e-12)
    np.testing.assert_allclose(cal.weights, raked.weights, rtol=1e-8)


def test_logit_weights_stay_within_bounds(design, edition):
    cal = calibration.calibrate(design, edition[1], calfun="logit", bounds=(0.2, 15.0), collapse_min=10)
    g = cal.weights / design.weights
    assert g.min() >= 0.2 and g.max() <= 15.0


def test_poststratify_crossed_cells():
    data = pd.DataFrame({"sex": ["m", "m", "v", "v"], "age": ["j", "o", "j", "o"], "dw": [1.0, 2.0, 3.0, 4.0]})
    margin = pd.DataFrame({"sex": ["m", "m", "v", "v"], "age": ["j", "o", "j", "o"], "total": [10, 20, 30, 40]})
    ps = calibration.poststratify(Design(data, design_weight="dw"), margin)
    assert ps.weights.tolist() == [10.0, 20.0, 30.0, 40.0]


def test_trim_weights_as_r():
    # R: trimWeights(design, upper=6) on weights 1, 1, 10: the 4 trimmed goes 2 + 2 to the others
    data = pd.DataFrame({"w": [1.0, 1.0, 10.0]})
    trimmed = calibration.trim_weights(Design(data, design_weight="w"), upper=6)
    assert trimmed.weights.tolist() == [3.0, 3.0, 6.0]
    strict = calibration.trim_weights(Design(data, design_weight="w"), upper=4, strict=True)
    assert strict.weights.sum() == pytest.approx(12) and strict.weights.max() <= 4 + 1e-12
