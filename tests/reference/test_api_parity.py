"""R parity in the corners (issue 14): multistage designs, svyciprop degrees of freedom by domain
with missing answers, profile-likelihood intervals and lonely PSUs under 'adjust'.

Source: `api/parity.json`, made by `api/parity.R` with R survey 4.1.1 (Debian's r-cran-survey;
the version is stored in the file), which names every R call. The data are R survey's own
`apiclus2` and `nhanes` (written by the script to `api/apiclus2.csv`, `api/nhanes.csv`) and the
`apistrat`/`apiclus1` files already here. Tolerance: 1e-6 relative for estimates, standard errors
and interval limits (weights 1e-8).
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weighting import estimation
from weighting.design import Design
from weighting.errors import DesignError, EstimationError

HERE = Path(__file__).parent / "api"
R = json.loads((HERE / "parity.json").read_text())
RTOL = 1e-6


def close(got, expected, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float), rtol=rtol, atol=0)


def test_reference_made_with_survey_4_1_1():
    assert R["survey_version"] == "4.1.1"


# --- two-stage cluster sample ---------------------------------------------------------------


@pytest.fixture(scope="module")
def clus2():
    frame = pd.read_csv(HERE / "apiclus2.csv")
    frame["sch_yes"] = (frame["sch.wide"] == "Yes").astype(float)
    # svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2): weights from the fpc
    return Design(frame, cluster=["dnum", "snum"], fpc=["fpc1", "fpc2"], source="apiclus2.csv")


def test_two_stage_weights_come_from_the_fpc(clus2):
    close(clus2.weights, R["clus2_weights"], rtol=1e-8)


def test_two_stage_mean_total_proportion(clus2):
    for result, key in ((estimation.mean(clus2, "api00"), "clus2_mean_api00"),
                        (estimation.total(clus2, "enroll"), "clus2_total_enroll"),  # 6 missing: na.rm
                        (estimation.mean(clus2, "sch_yes"), "clus2_mean_sch_yes")):
        close(result["estimate"], [R[key]["estimate"]])
        close(result["se"], [R[key]["se"]])
    assert estimation.mean(clus2, "api00")["df"].tolist() == [R["clus2_degf"]]


def test_two_stage_is_not_the_one_stage_answer(clus2):
    # the second stage adds variance: a one-stage declaration of the same data is too small
    one = Design(clus2.frame, cluster="dnum", fpc="fpc1", design_weight="pw")
    close(estimation.mean(one, "api00")["se"], [R["clus2_onestage_mean_api00"]["se"]])
    assert R["clus2_onestage_mean_api00"]["se"] < R["clus2_mean_api00"]["se"]


@pytest.mark.parametrize("method", ["logit", "beta", "likelihood", "mean", "xlogit"])
def test_two_stage_ciprop(clus2, method):
    # svyciprop(~sch_yes, d2, method=...)
    expected = R[f"clus2_ciprop_{method}"]
    result = estimation.proportion(clus2, "sch.wide", ["Yes"], ci=method)
    close(result["estimate"], [expected["estimate"]])
    close(result["se"], [expected["se"]])
    close(result[["ci_low", "ci_high"]].to_numpy()[0], expected["ci"])


@pytest.mark.parametrize("kind,variable,key", [("mean", "api00", "clus2_mean_api00_by_stype"),
                                                ("total", "enroll", "clus2_total_enroll_by_stype"),
                                                ("total", "api00", "clus2_total_api00_by_stype")])
def test_two_stage_domains(clus2, kind, variable, key):
    # svyby(~variable, ~stype, d2, svymean / svytotal, na.rm=TRUE)
    result = getattr(estimation, kind)(clus2, variable, by="stype")
    assert result["stype"].tolist() == R[key]["domain"]
    close(result["estimate"], R[key]["estimate"])
    close(result["se"], R[key]["se"])


@pytest.mark.parametrize("method", ["logit", "beta", "mean", "xlogit"])
def test_two_stage_ciprop_by_domain(clus2, method):
    # svyby(~sch_yes, ~stype, d2, svyciprop, method=..., vartype=c("se", "ci"))
    expected = R[f"clus2_ciprop_{method}_by_stype"]
    result = estimation.proportion(clus2, "sch_yes", [1], by="stype", ci=method)
    close(result["estimate"], expected["estimate"])
    close(result["se"], expected["se"])
    close(result["ci_low"], expected["ci_l"])
    close(result["ci_high"], expected["ci_u"])


def test_fpc_for_every_stage_or_none(clus2):
    # R stops too (svydesign(id=~dnum+snum, fpc=~fpc1): "non-conformable arrays")
    with pytest.raises(DesignError, match="fpc: 1 columns for 2 sampling stage"):
        Design(clus2.frame, cluster=["dnum", "snum"], fpc="fpc1")


# --- svyciprop by domain with missing answers -------------------------------------------------


@pytest.fixture(scope="module")
def nhanes():
    frame = pd.read_csv(HERE / "nhanes.csv")
    # svydesign(id=~SDMVPSU, strata=~SDMVSTRA, weights=~WTMEC2YR, nest=TRUE, data=nhanes)
    frame["psu"] = frame["SDMVSTRA"].astype(str) + "-" + frame["SDMVPSU"].astype(str)
    return Design(frame, strata="SDMVSTRA", cluster="psu", design_weight="WTMEC2YR", source="nhanes.csv")


def test_domain_df_counts_the_domains_rows(nhanes):
    # degf(subset(dn, race == r)): missing HI_CHOL answers still count
    result = estimation.mean(nhanes, "HI_CHOL", by="race")
    assert result["df"].tolist() == R["nhanes_degf_by_race"]


@pytest.mark.parametrize("method", ["logit", "beta", "mean", "xlogit", "likelihood"])
def test_ciprop_by_domain_with_missing_answers(nhanes, method):
    # svyby(~HI_CHOL, ~race, dn, svyciprop, method=..., na.rm=TRUE, vartype=c("se", "ci"))
    expected = R[f"nhanes_ciprop_{method}_by_race"]
    result = estimation.proportion(nhanes, "HI_CHOL", [1], by="race", ci=method)
    close(result["estimate"], expected["estimate"])
    close(result["se"], expected["se"])
    close(result["ci_low"], expected["ci_l"])
    close(result["ci_high"], expected["ci_u"])


@pytest.mark.parametrize("method", ["logit", "beta", "mean", "xlogit"])
def test_ciprop_with_missing_answers(nhanes, method):
    # svyciprop(~HI_CHOL, dn, method=..., na.rm=TRUE)
    expected = R[f"nhanes_ciprop_{method}"]
    result = estimation.proportion(nhanes, "HI_CHOL", [1], ci=method)
    close(result["estimate"], [expected["estimate"]])
    close(result[["ci_low", "ci_high"]].to_numpy()[0], expected["ci"])


# --- profile-likelihood intervals ---------------------------------------------------------------


@pytest.fixture(scope="module")
def apistrat():
    return pd.read_csv(HERE / "apistrat.csv")


@pytest.mark.parametrize("key,variable,value", [("clus1_ciprop_likelihood_sch_yes", "sch.wide", "Yes"),
                                                ("clus1_ciprop_likelihood_both_yes", "both", "Yes")])
def test_likelihood_interval_cluster_sample(key, variable, value):
    frame = pd.read_csv(HERE / "apiclus1.csv")
    design = Design(frame, cluster="dnum", design_weight="pw", fpc="fpc")
    result = estimation.proportion(design, variable, [value], ci="likelihood")
    close(result[["ci_low", "ci_high"]].to_numpy()[0], R[key]["ci"])


@pytest.mark.parametrize("key,variable", [("strat_ciprop_likelihood_awards_yes", "awards"),
                                          ("strat_ciprop_likelihood_sch_yes", "sch.wide")])
def test_likelihood_interval_stratified(apistrat, key, variable):
    design = Design(apistrat, strata="stype", design_weight="pw", fpc="fpc")
    result = estimation.proportion(design, variable, ["Yes"], ci="likelihood")
    close(result[["ci_low", "ci_high"]].to_numpy()[0], R[key]["ci"])


def test_likelihood_interval_by_domain(apistrat):
    # svyciprop(~I(both == "Yes"), subset(dst, stype == s), method="likelihood")
    design = Design(apistrat, strata="stype", design_weight="pw", fpc="fpc")
    result = estimation.proportion(design, "both", ["Yes"], by="stype", ci="likelihood")
    for _, row in result.iterrows():
        close([row.ci_low, row.ci_high], R[f"strat_ciprop_likelihood_both_{row.stype}"]["ci"])


# --- lonely PSU ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["adjust", "remove", "certainty"])
@pytest.mark.parametrize("fpc", ["fpc", "nofpc"])
def test_lonely_psu(apistrat, rule, fpc):
    # apistrat with one high school left; options(survey.lonely.psu=rule)
    lonely = apistrat.iloc[np.asarray(R["lonely_rows"]) - 1].reset_index(drop=True)
    design = Design(lonely, strata="stype", design_weight="pw", fpc="fpc" if fpc == "fpc" else None, lonely_psu=rule)
    key = f"lonely_{rule}_{fpc}"
    for result, name in ((estimation.total(design, "enroll"), "total_enroll"),
                         (estimation.mean(design, "api00"), "mean_api00"),
                         (estimation.total(design, "enroll", by="awards"), "total_enroll_by_awards"),
                         (estimation.mean(design, "api00", by="awards"), "mean_api00_by_awards")):
        close(result["estimate"], np.ravel(R[f"{key}_{name}"]["estimate"]))
        close(result["se"], np.ravel(R[f"{key}_{name}"]["se"]))


# --- variables and domains without answers ----------------------------------------------------


def test_variable_without_any_answer_stops_naming_it(apistrat):
    frame = apistrat.assign(leeg=np.nan)
    design = Design(frame, strata="stype", design_weight="pw", source="apistrat.csv")
    with pytest.raises(EstimationError, match="apistrat.csv column 'leeg': no respondent has an answer to 'leeg'"):
        estimation.mean(design, "leeg", by="stype")
    with pytest.raises(EstimationError, match="no respondent has an answer to 'leeg'"):
        estimation.proportion(Design(frame.assign(leeg=None), strata="stype", design_weight="pw"), "leeg", ["ja"])


def test_domain_without_answers_gets_a_row_with_n_0_and_a_warning(apistrat):
    frame = apistrat.assign(score=apistrat["api00"].where(apistrat["stype"] != "H"))
    design = Design(frame, strata="stype", design_weight="pw", source="apistrat.csv")
    with pytest.warns(UserWarning, match=r"'score': no answers in 1 domain\(s\) \(H\)"):
        result = estimation.mean(design, "score", by="stype")
    assert result["stype"].tolist() == ["E", "H", "M"]
    high = result.set_index("stype").loc["H"]
    assert high["n"] == 0 and np.isnan(high["estimate"]) and np.isnan(high["se"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        full = estimation.mean(design, "api00", by="stype")
    close(result.set_index("stype").loc[["E", "M"], "estimate"], full.set_index("stype").loc[["E", "M"], "estimate"])


def test_two_stage_plan(tmp_path):
    # postStratify(d2, ~stype, pop.types) through `wijkprofiel weight`'s plan, the design
    # declared with lists: cluster: [dnum, snum], fpc: [fpc1, fpc2]
    from weighting.plan import weight

    (tmp_path / "apiclus2.csv").write_bytes((HERE / "apiclus2.csv").read_bytes())
    pd.DataFrame({"stype": ["E", "H", "M"], "total": [4421, 755, 1018]}).to_csv(tmp_path / "types.csv", index=False)
    (tmp_path / "plan.yaml").write_text(
        "data: apiclus2.csv\ncluster: [dnum, snum]\nfpc: [fpc1, fpc2]\nmethod: poststratify\n"
        "margins: [types.csv]\nestimates:\n"
        "  - {name: api00, variable: api00, kind: mean}\n"
        "  - {name: api00, variable: api00, kind: mean, by: [awards]}\n"
        "  - {name: sch_yes, variable: sch.wide, kind: proportion, values: ['Yes'], ci: logit}\n")
    result, _ = weight(tmp_path / "plan.yaml")
    close(result.weights["weight"], R["clus2_poststrat_weights"], rtol=1e-8)
    table = result.estimates
    overall = table[(table["name"] == "api00") & (table["domain_var"] == "")]
    close(overall["estimate"], [R["clus2_poststrat_mean_api00"]["estimate"]])
    close(overall["se"], [R["clus2_poststrat_mean_api00"]["se"]])
    by_awards = table[table["domain_var"] == "awards"]
    assert by_awards["domain"].tolist() == R["clus2_poststrat_mean_api00_by_awards"]["domain"]
    close(by_awards["se"], R["clus2_poststrat_mean_api00_by_awards"]["se"])
    share = table[table["name"] == "sch_yes"]
    close(share[["ci_low", "ci_high"]].to_numpy()[0], R["clus2_poststrat_ciprop_logit_sch_yes"]["ci"])


def test_plan_fpc_per_stage_is_checked(tmp_path):
    from weighting.errors import PlanError
    from weighting.plan import load_plan

    (tmp_path / "plan.yaml").write_text("data: x.csv\ncluster: [dnum, snum]\nfpc: [fpc1]\nmethod: raking\nmargins: [m.csv]\n")
    with pytest.raises(PlanError, match=r"plan.yaml line 3: fpc: 1 columns for 2 sampling stage\(s\)"):
        load_plan(tmp_path / "plan.yaml")
