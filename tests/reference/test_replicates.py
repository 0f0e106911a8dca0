"""Replicate-weight variance equals R's `as.svrepdesign` + the same calibration + svymean,
svytotal and svyciprop (issue 14).

Source: `api/replicates.json`, made by `api/replicates.R` with R survey 4.1.1 (stored in the file;
the script names every R call). The jackknife is deterministic, so our replicates are built and
compared. R's bootstrap draws come from R's random numbers, which numpy cannot reproduce: the
script stores R's replicate factors and we give them to our design (`replicate_factors=`), so
everything after the draw (recalibration per replicate, estimates, variance, intervals, degrees
of freedom) is compared; our own draws are checked for the properties of Rao & Wu's scheme.
Tolerance: 1e-6 relative (weights 1e-8).
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weighting import calibration, estimation
from weighting.design import Design
from weighting.errors import DesignError, EstimationError

HERE = Path(__file__).parent / "api"
R = json.loads((HERE / "replicates.json").read_text())
RTOL = 1e-6
POP_TYPES = pd.DataFrame({"stype": ["E", "H", "M"], "total": [4421, 755, 1018]})
POP_SCHWIDE = pd.DataFrame({"sch.wide": ["No", "Yes"], "total": [1072, 5122]})
TOTALS = [pd.DataFrame({"stype": ["E", "H", "M"], "total": [4421, 755, 1018]}),
          pd.DataFrame({"sch.wide": ["No", "Yes"], "total": [1072, 5122]})]


def close(got, expected, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float), rtol=rtol, atol=0)


@pytest.fixture(scope="module")
def strat():
    frame = pd.read_csv(HERE / "apistrat.csv")
    frame["both_yes"] = (frame["both"] == "Yes").astype(float)
    return frame


@pytest.fixture(scope="module")
def clus1():
    frame = pd.read_csv(HERE / "apiclus1.csv")
    frame["sch_yes"] = (frame["sch.wide"] == "Yes").astype(float)
    return frame


def compare(design, expected, prop="both_yes"):
    close(design.replicates.weights[:, 1], expected["weights"], rtol=1e-8)
    for result, key in ((estimation.mean(design, "api00"), "mean_api00"),
                        (estimation.total(design, "enroll"), "total_enroll"),
                        (estimation.mean(design, "api00", by="awards"), "mean_api00_by_awards"),
                        (estimation.total(design, "enroll", by="awards"), "total_enroll_by_awards")):
        close(result["estimate"], np.ravel(expected[key]["estimate"]))
        close(result["se"], np.ravel(expected[key]["se"]))
    assert estimation.mean(design, "api00")["df"].tolist() == [expected["degf"]]
    for method in ("logit", "beta", "mean", "xlogit"):
        whole = estimation.proportion(design, prop, [1], ci=method)
        close(whole["estimate"], [expected[f"ciprop_{method}"]["estimate"]])
        close(whole["se"], [expected[f"ciprop_{method}"]["se"]])
        close(whole[["ci_low", "ci_high"]].to_numpy()[0], expected[f"ciprop_{method}"]["ci"])
        by = estimation.proportion(design, prop, [1], by="yr.rnd", ci=method)
        low = np.asarray(expected[f"ciprop_{method}_by_yrrnd"]["ci_l"], dtype=float)
        high = np.asarray(expected[f"ciprop_{method}_by_yrrnd"]["ci_u"], dtype=float)
        # R gives NaN where a domain's share is 0 or 1 (its glm does not converge); we compare
        # the rest and check that such a share is indeed at the boundary
        fine = np.isfinite(low) & np.isfinite(high)
        assert np.isin(by["estimate"].to_numpy()[~fine], [0.0, 1.0]).all()
        close(by["ci_low"].to_numpy()[fine], low[fine])
        close(by["ci_high"].to_numpy()[fine], high[fine])


def test_reference_made_with_survey_4_1_1():
    assert R["survey_version"] == "4.1.1"


def test_jkn(strat):
    # as.svrepdesign(dstrat, type="JKn")
    compare(Design(strat, strata="stype", design_weight="pw", fpc="fpc", variance="jackknife"), R["jkn"])


def test_jkn_raked(strat):
    # rake(jkn, list(~stype, ~sch.wide), list(pop.types, pop.schwide)): every replicate raked
    design = Design(strat, strata="stype", design_weight="pw", fpc="fpc", variance="jackknife")
    compare(calibration.rake(design, [POP_TYPES, POP_SCHWIDE]), R["jkn_rake"])


@pytest.mark.parametrize("calfun,bounds", [("linear", None), ("logit", (0.7, 1.7))])
def test_jkn_calibrated(strat, calfun, bounds):
    # calibrate(jkn, ~stype + sch.wide, totals, calfun=...)
    design = Design(strat, strata="stype", design_weight="pw", fpc="fpc", variance="jackknife")
    compare(calibration.calibrate(design, TOTALS, calfun=calfun, bounds=bounds), R[f"jkn_{calfun}"])


def test_jkn_poststratified(strat):
    # postStratify(as.svrepdesign(dstrat_nofpc, type="JKn"), ~stype, pop.types)
    design = Design(strat, strata="stype", design_weight="pw", variance="jackknife")
    compare(calibration.poststratify(design, POP_TYPES), R["jkn_poststrat"])


def test_jk1_cluster(clus1):
    # as.svrepdesign(dclus1, type="JK1"), then calibrate(..., ~stype, calfun="raking")
    design = Design(clus1, cluster="dnum", design_weight="pw", fpc="fpc", variance="jackknife")
    assert design.replicates.kind == "JK1" and design.replicates.count == 15
    compare(design, R["jk1"], prop="sch_yes")
    compare(calibration.calibrate(design, [POP_TYPES], calfun="raking"), R["jk1_raking"], prop="sch_yes")


def test_bootstrap_with_r_draws(strat):
    # as.svrepdesign(dstrat_nofpc, type="subbootstrap", replicates=50), R's draws; then rake
    factors = np.asarray(R["boot_factors"])
    design = Design(strat, strata="stype", design_weight="pw", variance="bootstrap", replicate_factors=factors)
    compare(design, R["boot"])
    compare(calibration.rake(design, [POP_TYPES, POP_SCHWIDE]), R["boot_rake"])


def test_bootstrap_cluster_with_r_draws(clus1):
    # a factor row per PSU (district), in the order of R's first appearance
    factors = np.asarray(R["boot_clus1_factors"])
    order = np.argsort(np.asarray(R["boot_clus1_psu"]))  # our PSUs are numbered in sorted order
    design = Design(clus1, cluster="dnum", design_weight="pw", variance="bootstrap", replicate_factors=factors[order])
    compare(calibration.poststratify(design, POP_TYPES), R["boot_clus1_poststrat"], prop="sch_yes")


def test_our_bootstrap_draws_are_rao_wu(strat):
    # n_h - 1 PSUs drawn with replacement per stratum, rescaled by n_h/(n_h - 1): every
    # replicate keeps each stratum's design-weight total in expectation and the factor sum
    # per stratum is exactly n_h; the same seed gives the same replicates
    design = Design(strat, strata="stype", design_weight="pw", variance="bootstrap", replicates=400, seed=7)
    factors = design.replicates.weights / design.design_weights[:, None]
    for stratum, rows in strat.groupby("stype").indices.items():
        n = len(rows)
        close(factors[rows].sum(axis=0), np.full(400, float(n)))
        counts = factors[rows] * (n - 1) / n
        assert np.allclose(counts, np.round(counts))
    again = Design(strat, strata="stype", design_weight="pw", variance="bootstrap", replicates=400, seed=7)
    assert np.array_equal(design.replicates.weights, again.replicates.weights)
    # and its variance is close to the linearised one (400 replicates: within 15%)
    taylor = estimation.mean(Design(strat, strata="stype", design_weight="pw"), "api00")["se"][0]
    assert abs(estimation.mean(design, "api00")["se"][0] / taylor - 1) < 0.15


def test_bootstrap_with_fpc_shrinks_by_the_sampling_fraction(strat):
    # Rao & Wu's lambda = sqrt(1 - f): the variance scales by 1 - f in each stratum
    free = Design(strat, strata="stype", design_weight="pw", variance="bootstrap", replicates=50, seed=3)
    fpc = Design(strat, strata="stype", design_weight="pw", fpc="fpc", variance="bootstrap", replicates=50, seed=3)
    by_free = estimation.total(free, "enroll", by="stype")
    by_fpc = estimation.total(fpc, "enroll", by="stype")
    f = strat.groupby("stype").size() / strat.groupby("stype")["fpc"].first()
    close(by_fpc["se"] ** 2, by_free["se"] ** 2 * (1 - f.to_numpy()))


def test_replicate_settings_are_checked(strat):
    with pytest.raises(DesignError, match="variance: 'brr' is not one of taylor, jackknife, bootstrap"):
        Design(strat, variance="brr")
    with pytest.raises(DesignError, match="the jackknife makes one replicate per PSU"):
        Design(strat, strata="stype", variance="jackknife", replicates=20)
    design = Design(strat, strata="stype", design_weight="pw", variance="jackknife")
    with pytest.raises(EstimationError, match="'likelihood' needs a linearised"):
        estimation.proportion(design, "both_yes", [1], ci="likelihood")


def test_plan_with_jackknife(tmp_path, strat):
    # rake(as.svrepdesign(dstrat, type="JKn"), ...) through `wijkprofiel weight`'s plan
    from weighting.plan import weight

    strat.to_csv(tmp_path / "apistrat.csv", index=False)
    POP_TYPES.to_csv(tmp_path / "types.csv", index=False)
    POP_SCHWIDE.to_csv(tmp_path / "schwide.csv", index=False)
    (tmp_path / "plan.yaml").write_text(
        "data: apistrat.csv\nstrata: stype\ndesign_weight: pw\nfpc: fpc\nmethod: raking\n"
        "margins: [types.csv, schwide.csv]\nvariance: jackknife\nestimates:\n"
        "  - {name: api00, variable: api00, kind: mean}\n"
        "  - {name: both, variable: both_yes, kind: proportion, values: [1], ci: logit}\n")
    result, _ = weight(tmp_path / "plan.yaml")
    table = result.estimates.set_index("name")
    close([table.loc["api00", "se"]], [R["jkn_rake"]["mean_api00"]["se"]])
    close(table.loc["both", ["ci_low", "ci_high"]].to_numpy(dtype=float), R["jkn_rake"]["ciprop_logit"]["ci"])


def test_plan_replicate_keys_are_checked(tmp_path):
    from weighting.errors import PlanError
    from weighting.plan import load_plan

    base = "data: x.csv\nmethod: raking\nmargins: [m.csv]\n"
    for extra, message in (("variance: brr\n", r"line 4: variance: 'brr' is not one of taylor, jackknife, bootstrap"),
                           ("variance: jackknife\nreplicates: 50\n", r"line 5: replicates: only with variance: bootstrap"),
                           ("variance: bootstrap\nreplicates: 1\n", r"line 5: replicates: 1 should be a whole number of at least 2")):
        (tmp_path / "plan.yaml").write_text(base + extra)
        with pytest.raises(PlanError, match=message):
            load_plan(tmp_path / "plan.yaml")
    (tmp_path / "plan.yaml").write_text(base + "variance: bootstrap\nreplicates: 100\nseed: 2024\n")
    plan = load_plan(tmp_path / "plan.yaml")
    assert (plan.variance, plan.replicates, plan.seed) == ("bootstrap", 100, 2024)
