"""A stratum with one PSU in the report's design: every stratum raked to its own margins (the
Wijkprofiel rakes each wijk to its register totals), one stratum left with a single unit.

Source: `api/lonely_rake.json`, made by `api/lonely_rake.R` with R survey 4.1.1 (Debian's
r-cran-survey; versions stored in the file), which names every R call: `apistrat` with one high
school left (the rows of `parity.R`'s lonely_*), `options(survey.lonely.psu=)` adjust, remove
and certainty, with and without fpc, then `rake(d, list(~stype + sch.wide, ~stype + awards),
...)`. R shows what `wijkprofiel report --lonely-psu` states in its method text: declared, the
lonely school counts under "adjust"; raked within its stratum its residual is 0, and the three
rules give the same standard errors. Both paths of ours are checked: `weighting.estimation`
and the report's one-pass `weighting.domain_estimates.means_by_level`.
Tolerance: 1e-6 relative for estimates, standard errors and interval limits (weights 1e-8).
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weighting import calibration, estimation
from weighting.design import Design
from weighting.domain_estimates import means_by_level
from weighting.errors import DesignError

HERE = Path(__file__).parent / "api"
R = json.loads((HERE / "lonely_rake.json").read_text())
RTOL = 1e-6
RULES = ("adjust", "remove", "certainty")


def close(got, expected, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.ravel(np.asarray(expected, dtype=float)),
                               rtol=rtol, atol=0)


@pytest.fixture(scope="module")
def lonely():
    frame = pd.read_csv(HERE / "apistrat.csv").iloc[np.asarray(R["rows"]) - 1].reset_index(drop=True)
    frame["yr_rnd_yes"] = (frame["yr.rnd"] == "Yes").astype(float)
    return frame


def declared(frame, rule, fpc):
    return Design(frame, strata="stype", design_weight="pw", fpc="fpc" if fpc == "fpc" else None,
                  lonely_psu=rule, source="apistrat.csv")


def raked(frame, rule, fpc):
    margins = [pd.DataFrame(R["margin1"]), pd.DataFrame(R["margin2"])]
    return calibration.rake(declared(frame, rule, fpc), margins, epsilon=1e-10)


def test_reference_made_with_survey_4_1_1():
    assert R["survey_version"] == "4.1.1"


def test_the_lonely_unit_counts_in_the_declared_design_under_adjust_only(lonely):
    # the rule does reach the variance: before calibration "adjust" gives more than "remove"
    for rule in RULES:
        for fpc in ("fpc", "nofpc"):
            result = estimation.mean(declared(lonely, rule, fpc), "api00")
            close(result["se"], R[f"{rule}_{fpc}_raw_mean_api00"]["se"])
    assert R["adjust_fpc_raw_mean_api00"]["se"] > R["remove_fpc_raw_mean_api00"]["se"] * 1.001


def test_fail_stops_at_the_first_variance(lonely):
    design = raked(lonely, "fail", "fpc")  # weighting needs no variance
    with pytest.raises(DesignError, match="stratum 'H' has only one PSU"):
        estimation.mean(design, "api00")


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("fpc", ["fpc", "nofpc"])
def test_raked_within_strata_as_r(lonely, rule, fpc):
    design = raked(lonely, rule, fpc)
    close(design.weights, R["weights"], rtol=1e-8)
    key = f"{rule}_{fpc}"
    for result, name in ((estimation.mean(design, "api00"), "mean_api00"),
                         (estimation.mean(design, "api00", by="stype"), "mean_api00_by_stype"),
                         (estimation.mean(design, "api00", by="yr.rnd"), "mean_api00_by_yrrnd"),
                         (estimation.mean(design, "yr_rnd_yes"), "mean_yr_rnd_yes"),
                         (estimation.ratio(design, "api00", "api99"), "ratio_api00_api99")):
        close(result["estimate"], R[f"{key}_{name}"]["estimate"])
        # the lonely high school's own mean has no variance: R gives exactly 0, we give 0 or
        # rounding noise of the raking residual
        np.testing.assert_allclose(result["se"], np.ravel(R[f"{key}_{name}"]["se"]), rtol=RTOL, atol=1e-9)
    ci = estimation.proportion(design, "yr.rnd", ["Yes"], ci="logit")
    expected = R[f"{key}_ciprop_logit_yr_rnd_yes"]
    close([ci["ci_low"].iloc[0], ci["ci_high"].iloc[0]], expected["ci"])
    assert ci["df"].tolist() == [expected["df"]]


@pytest.mark.parametrize("rule", RULES)
def test_the_reports_one_pass_estimates_as_r(lonely, rule):
    design = raked(lonely, rule, "fpc")
    values = lonely[["api00", "yr_rnd_yes"]].to_numpy(dtype=float)
    city, by_stype = means_by_level(design, values, [None, "stype"], proportion=[False, True],
                                    names=["api00", "yr_rnd_yes"])
    close(city["estimate"], [R[f"{rule}_fpc_mean_api00"]["estimate"], R[f"{rule}_fpc_mean_yr_rnd_yes"]["estimate"]])
    close(city["se"], [R[f"{rule}_fpc_mean_api00"]["se"], R[f"{rule}_fpc_mean_yr_rnd_yes"]["se"]])
    api = by_stype[by_stype["column"] == 0]
    np.testing.assert_allclose(api["se"], R[f"{rule}_fpc_mean_api00_by_stype"]["se"], rtol=RTOL, atol=1e-9)


def test_the_three_rules_agree_once_raked_within_strata():
    # what the report's method text says, in R's own numbers
    for fpc in ("fpc", "nofpc"):
        for name in ("mean_api00", "mean_api00_by_stype", "mean_api00_by_yrrnd", "mean_yr_rnd_yes",
                     "ratio_api00_api99"):
            ses = [np.ravel(R[f"{rule}_{fpc}_{name}"]["se"]) for rule in RULES]
            np.testing.assert_array_equal(ses[0], ses[1])
            np.testing.assert_array_equal(ses[0], ses[2])
