"""Estimates checked against hand calculations and an independent implementation (statsmodels)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from weighting import estimation
from weighting.design import Design


@pytest.fixture(scope="module")
def srs():
    # 40 respondents, 13 'ja': a simple random sample without fpc
    return Design(pd.DataFrame({"a": ["ja"] * 13 + ["nee"] * 27, "y": np.arange(40.0)}))


def test_simple_random_sample_mean(srs):
    # without weights or strata the linearised SE is the textbook s / sqrt(n)
    y = np.arange(40.0)
    res = estimation.mean(srs, "y")
    assert res["estimate"][0] == pytest.approx(y.mean())
    assert res["se"][0] == pytest.approx(y.std(ddof=1) / np.sqrt(40))
    assert res["df"][0] == 39


def test_wilson_equals_the_score_interval(srs):
    # R survey 4.5 svyciprop(method="wilson"): the score interval with n_eff = p(1-p)/var and a
    # t quantile. For a simple random sample var = p(1-p)/(n-1), so n_eff = n - 1; statsmodels'
    # Wilson interval with the same n and a normal quantile equal to that t quantile must agree.
    res = estimation.proportion(srs, "a", ["ja"], ci="wilson")
    t = stats.t.ppf(0.975, 39)
    lo, hi = proportion_confint(13 / 40 * 39, 39, alpha=2 * stats.norm.sf(t), method="wilson")
    assert res["ci_low"][0] == pytest.approx(lo, rel=1e-10)
    assert res["ci_high"][0] == pytest.approx(hi, rel=1e-10)


def test_mean_interval_uses_t_with_design_df(srs):
    res = estimation.proportion(srs, "a", "ja", ci="mean")
    t = stats.t.ppf(0.975, 39)
    assert res["ci_high"][0] - res["estimate"][0] == pytest.approx(t * res["se"][0])


def test_beta_interval_at_zero_is_closed_at_zero():
    d = Design(pd.DataFrame({"a": ["nee"] * 9 + ["ja"], "g": ["x"] * 5 + ["y"] * 5}))
    res = estimation.proportion(d, "a", ["ja"], by="g", ci="beta")
    assert res["estimate"][0] == 0 and res["ci_low"][0] == 0


def test_missing_answers_leave_the_estimate():
    d = Design(pd.DataFrame({"y": [1.0, np.nan, 3.0], "w": [1.0, 5.0, 1.0]}), design_weight="w")
    res = estimation.mean(d, "y")
    assert res["estimate"][0] == 2.0 and res["n"][0] == 2


def test_ratio_is_the_ratio_of_totals_and_domains_add_up():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"s": rng.choice(["a", "b", "c"], 300), "d": rng.choice(["p", "q"], 300),
                          "y": rng.normal(10, 2, 300), "x": rng.uniform(1, 2, 300), "w": rng.uniform(1, 5, 300)})
    d = Design(frame, strata="s", design_weight="w")
    ratio = estimation.ratio(d, "y", "x")["estimate"][0]
    assert ratio == pytest.approx(estimation.total(d, "y")["estimate"][0] / estimation.total(d, "x")["estimate"][0])
    by = estimation.total(d, "y", by="d")
    assert by["estimate"].sum() == pytest.approx(estimation.total(d, "y")["estimate"][0])
    crossed = estimation.mean(d, "y", by=["s", "d"])
    assert len(crossed) == 6 and list(crossed.columns[:2]) == ["s", "d"]


def test_design_effect_of_a_simple_random_sample_is_one(srs):
    assert estimation.mean(srs, "y")["deff"].isna().all()  # weights 1 sum to n: no N to compare with
    d = Design(pd.DataFrame({"y": np.arange(40.0), "w": [10.0] * 40}), design_weight="w")
    # equal weights 10: population 400, no fpc; deff = (1 - 0)/(1 - n/N) = 1 / 0.9
    assert estimation.mean(d, "y")["deff"][0] == pytest.approx(1 / 0.9)


def test_an_indicator_without_any_yes_is_a_proportion_of_zero():
    # a 0/1 variable that holds no 1 (a rare event in a small edition) gives 0, not an error
    d = Design(pd.DataFrame({"slachtoffer": [0, 0, 0, 0]}))
    assert estimation.proportion(d, "slachtoffer", [1], ci="beta")["estimate"][0] == 0
