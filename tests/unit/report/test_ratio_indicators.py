"""A ratio indicator (the 2014 rates per 100 cars or bicycles) from stored answers to the
estimate: numerator and denominator columns, R's svyratio estimate times 100, and a lower bound
that never goes below zero; checked by hand on six respondents of the real Veiligheidsmonitor."""

import pandas as pd
import pytest

from survey.paths import QUESTIONNAIRES_DIR
from survey.questionnaire import load_questionnaire
from survey.report.edition_report import estimate_indicators, indicator_table
from survey.report.indicator_values import DENOMINATOR_SUFFIX
from weighting.design import Design


@pytest.fixture(scope="module")
def vm():
    return load_questionnaire(QUESTIONNAIRES_DIR / "veiligheidsmonitor.yaml")


def test_bicycle_thefts_per_100_bicycles_by_wijk(vm):
    answers = pd.DataFrame({
        "questionnaire_id": ["veiligheidsmonitor"] * 6,
        "wijk": ["A", "A", "A", "B", "B", "B"], "gebied": ["G"] * 6,
        "design_weight": [1.0, 1.0, 2.0, 1.0, 1.0, 1.0],
        "aantal_fietsen": ["2", "3", "1", "4", "0", "weet_niet"],
        "slachtoffer_fietsdiefstal": ["ja", "nee", "ja", "nee", None, "ja"],
        "slachtoffer_fietsdiefstal_aantal_buurt": ["1", None, "2", None, None, "1"],
    })
    values, definitions = indicator_table(answers, {"veiligheidsmonitor": vm})
    name = "fietsdiefstal_per_100_fietsen"
    assert name + DENOMINATOR_SUFFIX in values
    design = Design(pd.concat([answers[["wijk", "gebied", "design_weight"]], values], axis=1),
                    design_weight="design_weight")
    table = estimate_indicators(design, {name: definitions[name]})
    rows = table.set_index(["level", "domain"])
    # city: thefts 1 + 0 + 2*2 + 0 + 0 = 5 over bicycles 2 + 3 + 2*1 + 4 + 0 = 11 (the sixth
    # household does not know its bicycles: out); wijk A 5 / 7, wijk B 0 / 4
    assert rows.loc[("stad", "Rotterdam"), "estimate"] == pytest.approx(100 * 5 / 11)
    assert rows.loc[("wijk", "A"), "estimate"] == pytest.approx(100 * 5 / 7)
    assert rows.loc[("wijk", "B"), "estimate"] == pytest.approx(0.0)
    assert rows.loc[("wijk", "A"), "unweighted"] == pytest.approx(100 * 3 / 6)
    assert (table["ci_low"] >= 0).all() and (table["kind"] == "ratio").all()
    # in the base: four households; the one without a bicycle was not asked (it would add 0 to
    # both sums) and the one that does not know its bicycles is out
    assert rows.loc[("stad", "Rotterdam"), "n"] == 4
