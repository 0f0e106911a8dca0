"""Our weighting and estimation reproduce R survey on its `api` example data.

Source: `api/expected.json`, computed with R survey 4.1.1 (Lumley); `api/README.md` names the R
call of every key. `api/extra.json` holds more values from the same R version, made by
`api/extra.R` (its R calls are in that script): the cluster sample `apiclus1`, ratios, and
calibration to margins per stratum (the Wijkprofiel's "margins per wijk").
Tolerances: weights 1e-8 relative, estimates and standard errors 1e-6 relative.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weighting import calibration, estimation
from weighting.design import Design

HERE = Path(__file__).parent / "api"
EXPECTED = json.loads((HERE / "expected.json").read_text())
EXTRA = json.loads((HERE / "extra.json").read_text())
WEIGHT_RTOL = 1e-8
RTOL = 1e-6

POP_TYPES = pd.DataFrame({"stype": ["E", "H", "M"], "total": [4421, 755, 1018]})
POP_SCHWIDE = pd.DataFrame({"sch.wide": ["No", "Yes"], "total": [1072, 5122]})


@pytest.fixture(scope="module")
def apistrat():
    frame = pd.read_csv(HERE / "apistrat.csv")
    frame["both_yes"] = (frame["both"] == "Yes").astype(float)
    return frame


@pytest.fixture(scope="module")
def dstrat(apistrat):
    # svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat, fpc=~fpc)
    return Design(apistrat, strata="stype", design_weight="pw", fpc="fpc", source="apistrat.csv")


@pytest.fixture(scope="module")
def dstrat_nofpc(apistrat):
    return Design(apistrat, strata="stype", design_weight="pw", source="apistrat.csv")


@pytest.fixture(scope="module")
def dclus1():
    # svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)
    frame = pd.read_csv(HERE / "apiclus1.csv")
    frame["sch_yes"] = (frame["sch.wide"] == "Yes").astype(float)
    return Design(frame, cluster="dnum", design_weight="pw", fpc="fpc", source="apiclus1.csv")


def close(got, expected, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float), rtol=rtol, atol=0)


def check(result, expected):
    close(result["estimate"], expected["estimate"])
    close(result["se"], expected["se"])


# --- designs without calibration -----------------------------------------------------------


def test_stratified_mean_and_total(dstrat):
    # svymean(~api00, dstrat); svytotal(~enroll, dstrat)
    check(estimation.mean(dstrat, "api00"), EXPECTED["strat_mean_api00"])
    check(estimation.total(dstrat, "enroll"), EXPECTED["strat_total_enroll"])


def test_stratified_mean_by_stratum(dstrat):
    # svyby(~api00, ~stype, dstrat, svymean)
    result = estimation.mean(dstrat, "api00", by=["stype"])
    assert result["stype"].tolist() == EXPECTED["strat_mean_api00_by_stype"]["stype"]
    check(result, EXPECTED["strat_mean_api00_by_stype"])


def test_without_fpc(dstrat_nofpc):
    # svymean(~api00, dstrat_nofpc)
    check(estimation.mean(dstrat_nofpc, "api00"), EXPECTED["strat_nofpc_mean_api00"])


def test_design_effect(dstrat):
    # deff(svymean(~api00, dstrat, deff=TRUE))
    close(estimation.mean(dstrat, "api00")["deff"], [EXPECTED["deff_mean_api00"]])


def test_degrees_of_freedom_are_units_minus_strata(dstrat):
    # degf(dstrat) = 200 schools - 3 strata
    assert dstrat.df == 197
    assert estimation.mean(dstrat, "api00")["df"].tolist() == [197]


@pytest.mark.parametrize("method", ["logit", "beta", "likelihood", "mean"])
def test_ciprop(dstrat, method):
    # svyciprop(~both_yes, dstrat, method=...)
    expected = EXPECTED[f"ciprop_{method}"]
    result = estimation.proportion(dstrat, "both", ["Yes"], ci=method)
    close(result["estimate"], [expected["estimate"]])
    close(result["se"], [expected["se"]])
    close(result[["ci_low", "ci_high"]].to_numpy()[0], expected["ci"])


def test_ciprop_xlogit(dstrat):
    # svyciprop(~both_yes, dstrat, method="xlogit")  (extra.R)
    result = estimation.proportion(dstrat, "both_yes", [1], ci="xlogit")
    close(result[["ci_low", "ci_high"]].to_numpy()[0], EXTRA["ciprop_xlogit"]["ci"])


def test_ratio(dstrat):
    # svyratio(~api00, ~api99, dstrat); svyby(~api00, ~stype, denominator=~api99, dstrat, svyratio)
    check(estimation.ratio(dstrat, "api00", "api99"), EXTRA["strat_ratio_api00_api99"])
    check(estimation.ratio(dstrat, "api00", "api99", by="stype"), EXTRA["strat_ratio_by_stype"])


def test_cluster_sample(dclus1):
    # dclus1: svymean(~api00), svytotal(~enroll), svyby(~api00, ~stype, svymean), deff, ciprop beta
    check(estimation.mean(dclus1, "api00"), EXTRA["clus1_mean_api00"])
    check(estimation.total(dclus1, "enroll"), EXTRA["clus1_total_enroll"])
    check(estimation.mean(dclus1, "api00", by="stype"), EXTRA["clus1_mean_api00_by_stype"])
    close(estimation.mean(dclus1, "api00")["deff"], [EXTRA["clus1_deff_mean_api00"]])
    result = estimation.proportion(dclus1, "sch_yes", [1], ci="beta")
    close(result["estimate"], [EXTRA["clus1_ciprop_beta"]["estimate"]])
    close(result[["ci_low", "ci_high"]].to_numpy()[0], EXTRA["clus1_ciprop_beta"]["ci"])
    assert dclus1.df == 14  # 15 districts, one stratum


# --- calibration ---------------------------------------------------------------------------


def test_poststratify(dstrat_nofpc):
    # postStratify(dstrat_nofpc, ~stype, pop.types); svymean(~api00, .)
    ps = calibration.poststratify(dstrat_nofpc, POP_TYPES)
    check(estimation.mean(ps, "api00"), EXPECTED["poststrat_mean_api00"])


def test_rake(dstrat_nofpc):
    # rake(dstrat_nofpc, list(~stype, ~sch.wide), list(pop.types, pop.schwide), control=list(epsilon=1e-10))
    raked = calibration.rake(dstrat_nofpc, [POP_TYPES, POP_SCHWIDE], epsilon=1e-10)
    close(raked.weights, EXPECTED["rake_weights"], WEIGHT_RTOL)
    check(estimation.mean(raked, "api00"), EXPECTED["rake_mean_api00"])
    check(estimation.mean(raked, "api00", by="stype"), EXPECTED["rake_mean_api00_by_stype"])


@pytest.mark.parametrize("calfun", ["linear", "raking", "logit"])
def test_calibrate(dstrat_nofpc, calfun):
    # calibrate(dstrat_nofpc, ~stype + sch.wide, c(6194, 755, 1018, 5122), calfun=...,
    #           bounds=c(0.7, 1.7) for logit): the same margins as pop.types and pop.schwide
    bounds = EXPECTED["calibrate_logit_bounds"] if calfun == "logit" else None
    cal = calibration.calibrate(dstrat_nofpc, [POP_TYPES, POP_SCHWIDE], calfun=calfun, bounds=bounds)
    close(cal.weights, EXPECTED[f"calibrate_{calfun}_weights"], WEIGHT_RTOL)
    check(estimation.mean(cal, "api00"), EXPECTED[f"calibrate_{calfun}_mean_api00"])
    if f"calibrate_{calfun}_total_enroll" in EXPECTED:
        check(estimation.total(cal, "enroll"), EXPECTED[f"calibrate_{calfun}_total_enroll"])


def test_calibrate_to_a_numeric_total(dstrat_nofpc):
    # calibrate(dstrat_nofpc, ~enroll, c(6194, 3811472)): population size plus total enrolment
    cal = calibration.calibrate(dstrat_nofpc, [pd.DataFrame({"total": [6194]})], totals={"enroll": 3811472})
    check(estimation.mean(cal, "api00"), EXPECTED["calibrate_linear_enroll_mean_api00"])


# --- margins per stratum (the Wijkprofiel's margins per wijk) -------------------------------


def _perstratum_margins():
    m1 = pd.DataFrame(EXTRA["perstratum_margin1"])
    m2 = pd.DataFrame(EXTRA["perstratum_margin2"])
    return [m1, m2]


def test_rake_within_strata(dstrat_nofpc):
    # rake(dnofpc, list(~stype + sch.wide, ~stype + awards), list(t1, t2), control=list(epsilon=1e-10))
    raked = calibration.rake(dstrat_nofpc, _perstratum_margins(), epsilon=1e-10)
    close(raked.weights, EXTRA["perstratum_rake_weights"], WEIGHT_RTOL)
    check(estimation.mean(raked, "api00"), EXTRA["perstratum_rake_mean_api00"])
    # by stratum: the fast stacked path; by awards: domains cut across the raking cells
    check(estimation.mean(raked, "api00", by="stype"), EXTRA["perstratum_rake_mean_api00_by_stype"])
    check(estimation.mean(raked, "api00", by="awards"), EXTRA["perstratum_rake_mean_api00_by_awards"])
    check(estimation.total(raked, "enroll", by="stype"), EXTRA["perstratum_rake_total_enroll_by_stype"])


@pytest.mark.parametrize("calfun,bounds", [("linear", None), ("logit", (0.5, 2))])
def test_calibrate_within_strata(dstrat_nofpc, calfun, bounds):
    # calibrate(dnofpc, list(~stype + sch.wide, ~stype + awards), list(t1, t2), calfun=..., bounds=...)
    cal = calibration.calibrate(dstrat_nofpc, _perstratum_margins(), calfun=calfun, bounds=bounds)
    close(cal.weights, EXTRA[f"perstratum_{calfun}_weights"], WEIGHT_RTOL)
    check(estimation.mean(cal, "api00", by="stype"), EXTRA[f"perstratum_{calfun}_mean_api00_by_stype"])


def test_design_effect_by_domain_after_raking(dstrat_nofpc):
    # deff(svyby(~api00, ~awards, rk, svymean, deff=TRUE))
    raked = calibration.rake(dstrat_nofpc, _perstratum_margins(), epsilon=1e-10)
    close(estimation.mean(raked, "api00", by="awards")["deff"], EXTRA["perstratum_rake_deff_by_awards"])


@pytest.mark.parametrize("method", ["beta", "logit"])
@pytest.mark.parametrize("calibrated", [False, True])
def test_ciprop_by_domain(dstrat, dstrat_nofpc, method, calibrated):
    # svyby(~both_yes, ~yr.rnd, design, svyciprop, method=..., vartype="ci") on dstrat and on
    # the design raked per stratum (R's domain df and, for beta, its row count differ between them)
    if calibrated:
        design = calibration.rake(dstrat_nofpc, _perstratum_margins(), epsilon=1e-10)
        expected = EXTRA[f"perstratum_rake_ciprop_{method}_by_yrrnd"]
    else:
        design, expected = dstrat, EXTRA[f"strat_ciprop_{method}_by_yrrnd"]
    result = estimation.proportion(design, "both", ["Yes"], by="yr.rnd", ci=method)
    close(result["estimate"], expected["estimate"])
    close(result["ci_low"], expected["ci_l"])
    close(result["ci_high"], expected["ci_u"])
