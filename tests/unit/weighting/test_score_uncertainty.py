"""Index score uncertainty from replicates (issue 14): the replicate estimates are the
estimates redone with each replicate's weights, and the score's variance is the replicate
formula applied to the scores computed from them, clipping included."""

import numpy as np
import pandas as pd
import pytest

from weighting import calibration, estimation
from weighting.design import Design
from weighting.replicates import with_replicates
from weighting.score_uncertainty import IndicatorSpec, replicate_indicator_estimates, score_uncertainty

LEVELS = [("stad", None), ("wijk", "wijk")]


@pytest.fixture(scope="module")
def raked():
    rng = np.random.default_rng(4)
    n = 240
    frame = pd.DataFrame({
        "wijk": np.repeat(["Noord", "Zuid", "West"], n // 3),
        "sex": rng.choice(["man", "vrouw"], n),
        "onveilig": rng.binomial(1, 0.3, n).astype(float),
        "cijfer": rng.normal(7, 1, n),
    })
    frame.loc[rng.choice(n, 30, replace=False), "onveilig"] = np.nan  # outside the base
    frame.loc[frame["wijk"] == "West", "cijfer"] = 9.9  # far above the baseline: clipped
    frame["dw"] = 10.0
    margin = pd.DataFrame({"wijk": ["Noord", "Noord", "Zuid", "Zuid", "West", "West"],
                           "sex": ["man", "vrouw"] * 3, "total": [400, 420, 380, 450, 390, 410]})
    design = calibration.rake(Design(frame, strata="wijk", design_weight="dw"), [margin])
    return with_replicates(design, "bootstrap", 60, seed=11)


def _estimates(design):
    rows = []
    for level, by in LEVELS:
        for name in ("onveilig", "cijfer"):
            table = estimation.mean(design.without_replicates(), name, by=by)
            table = table.rename(columns={by: "domain"}) if by else table.assign(domain="Rotterdam")
            rows.append(table.assign(indicator=name, level=level))
    return pd.concat(rows, ignore_index=True)


def _score(table):
    # a miniature index: two indicator scores clipped to [20, 180], averaged
    wide = table.pivot_table(index=["level", "domain"], columns="indicator", values="estimate", aggfunc="first")
    unsafe = (100 - 40 * (wide["onveilig"] - 0.3) / 0.1).clip(20, 180)
    mark = (100 + 40 * (wide["cijfer"] - 7.0) / 0.5).clip(20, 180)
    return pd.DataFrame({"veiligheid": unsafe, "cijfer": mark, "index": (unsafe + mark) / 2})


def test_replicate_estimates_are_the_estimates_with_replicate_weights(raked):
    keys, thetas = replicate_indicator_estimates(raked, [IndicatorSpec("onveilig", "onveilig")], LEVELS)
    W = raked.replicates.weights
    for r in (0, 17, 59):
        redone = estimation.mean(raked.without_replicates().with_weights(W[:, r]), "onveilig", by="wijk")
        got = thetas[(keys["level"] == "wijk").to_numpy(), r]
        np.testing.assert_allclose(got, redone["estimate"], rtol=1e-12)


def test_score_se_is_the_replicate_spread_of_the_scores(raked):
    specs = [IndicatorSpec("onveilig", "onveilig"), IndicatorSpec("cijfer", "cijfer")]
    keys, thetas = replicate_indicator_estimates(raked, specs, LEVELS)
    estimates = _estimates(raked)
    result = score_uncertainty(estimates, keys, thetas, raked.replicates, _score)
    # by hand: the scores of every replicate, then sum (s_r - mean)^2 / (R - 1)
    W = raked.replicates.weights
    by_hand = np.array([_score(_estimates(raked.without_replicates().with_weights(W[:, r]))).loc[("wijk", "Noord"), "index"]
                        for r in range(W.shape[1])])
    assert result.loc[("wijk", "Noord"), "index se"] == pytest.approx(by_hand.std(ddof=1), rel=1e-10)
    full = _score(estimates).loc[("wijk", "Noord"), "index"]
    z = 1.959963984540054
    assert result.loc[("wijk", "Noord"), "index ci_low"] == pytest.approx(full - z * by_hand.std(ddof=1))
    # West's mark is clipped at 180 in every replicate: no spread through the clipping
    assert result.loc[("wijk", "West"), "cijfer se"] == 0
    assert result.loc[("wijk", "Zuid"), "cijfer se"] > 0


@pytest.mark.parametrize("index_name", ["Veiligheidsindex", "Sociale index", "Fysieke index"])
def test_every_index_gets_its_uncertainty_through_the_black_box(index_name):
    # the score computation of each of the three indices (weighting.scores, its own
    # configuration) run as a black box on replicate estimates of every one of its indicators
    from weighting.scores import aggregate_scores, indicator_scores, load_index_configs

    config = load_index_configs()[index_name]
    rng = np.random.default_rng(8)
    n = 300
    frame = pd.DataFrame({"wijk": np.repeat(["Noord", "Zuid", "West"], n // 3), "dw": 20.0})
    for i, indicator in enumerate(config.indicators):
        # each respondent's value scattered around the 2014 baseline (positive, any transform)
        base = max(indicator.baseline, 1.0)
        frame[f"x{i}"] = base * rng.gamma(20.0, 1 / 20.0, n)
    design = with_replicates(Design(frame, strata="wijk", design_weight="dw"), "bootstrap", 40, seed=3)
    specs = [IndicatorSpec(indicator.column, f"x{i}") for i, indicator in enumerate(config.indicators)]
    keys, thetas = replicate_indicator_estimates(design, specs, LEVELS)
    rows = []
    for level, by in LEVELS:
        for i, indicator in enumerate(config.indicators):
            table = estimation.mean(design.without_replicates(), f"x{i}", by=by)
            table = table.rename(columns={by: "domain"}) if by else table.assign(domain="Rotterdam")
            rows.append(table.assign(indicator=indicator.column, level=level))
    estimates = pd.concat(rows, ignore_index=True)

    def scores(table):
        wide = table.pivot_table(index=["level", "domain"], columns="indicator", values="estimate",
                                 aggfunc="first").reindex(columns=config.indicator_columns)
        return aggregate_scores(indicator_scores(wide, config), config, rounded=False)

    result = score_uncertainty(estimates, keys, thetas, design.replicates, scores)
    for column in config.score_columns:
        assert (result[f"{column} se"] > 0).all(), column
        assert (result[f"{column} ci_low"] < result[f"{column} ci_high"]).all()


def test_stacked_scoring_equals_scoring_replicate_by_replicate(raked):
    # a score computed per area from that area's estimates and a fixed per-area input: all
    # replicates in one stacked call give the same standard errors and intervals
    from weighting.score_uncertainty import stack_areas

    specs = [IndicatorSpec("onveilig", "onveilig"), IndicatorSpec("cijfer", "cijfer")]
    keys, thetas = replicate_indicator_estimates(raked, specs, LEVELS)
    estimates = _estimates(raked)
    fixed = pd.DataFrame({"bonus": [1.0, 2.0, 3.0, 4.0]}, index=pd.MultiIndex.from_tuples(
        [("stad", "Rotterdam"), ("wijk", "Noord"), ("wijk", "Zuid"), ("wijk", "West")],
        names=["level", "domain"]))

    def with_fixed(table, fixed_table):
        scores = _score(table)
        return scores.assign(index=scores["index"] * fixed_table["bonus"].reindex(scores.index))

    R = raked.replicates.count
    looped = score_uncertainty(estimates, keys, thetas, raked.replicates, lambda t: with_fixed(t, fixed))
    stacked = score_uncertainty(estimates, keys, thetas, raked.replicates, lambda t: with_fixed(t, fixed),
                                stacked_fn=lambda t: with_fixed(t, stack_areas(fixed, R)))
    pd.testing.assert_frame_equal(stacked, looped, rtol=1e-12)
    assert (looped["index se"] > 0).all()
