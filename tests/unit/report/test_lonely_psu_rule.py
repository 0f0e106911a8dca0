"""The report's rule for a wijk with one respondent (`--lonely-psu`, REPORT_LONELY_PSU): where
it comes from, which wijken it applies to, what the method text says, and that a table written
under one rule is written again under another."""

import os

import pandas as pd
import pytest

from survey.errors import WijkprofielError
from survey.report import tables
from survey.report.edition_report import _method, lonely_wijken, report_design, weight_edition
from survey.report.publication import PublicationRule
from weighting.design import Design


def _frame(population=(50, 80, 40)):
    # wijk 12 (Cool) has one respondent, 14 (Stadsdriehoek) two, 15 (Oude Westen) one of a
    # population of `population[2]`
    return pd.DataFrame({"wijk_code": [12, 14, 14, 15], "wijk": ["Cool", "Stadsdriehoek", "Stadsdriehoek", "Oude Westen"],
                         "design_weight": [50.0, 40.0, 40.0, float(population[2])],
                         "stratum_population": [population[0], population[1], population[1], population[2]]})


def test_the_option_wins_then_the_environment_then_fail():
    assert report_design("remove", environ={"REPORT_LONELY_PSU": "adjust"}).lonely_psu == "remove"
    assert report_design(environ={"REPORT_LONELY_PSU": "adjust"}).lonely_psu == "adjust"
    assert report_design(environ={}).lonely_psu == "fail"
    # the rest of the edition's design is untouched
    assert report_design("adjust", environ={}).collapse_min == report_design(environ={}).collapse_min


def test_an_unknown_rule_names_where_it_came_from():
    with pytest.raises(WijkprofielError, match=r"REPORT_LONELY_PSU: 'average' is not one of fail, remove, certainty, adjust"):
        report_design(environ={"REPORT_LONELY_PSU": "average"})
    with pytest.raises(WijkprofielError, match=r"--lonely-psu: 'Adjust' is not one of"):
        report_design("Adjust", environ={})


def test_lonely_wijken_by_name_and_code_not_a_wijk_observed_whole():
    design = Design(_frame(), strata="wijk_code", design_weight="design_weight", fpc="stratum_population")
    assert lonely_wijken(design) == ["Cool (12)", "Oude Westen (15)"]
    # a wijk of one inhabitant who answered has no sampling variance: not lonely (as weighting)
    whole = Design(_frame(population=(50, 80, 1)), strata="wijk_code", design_weight="design_weight",
                   fpc="stratum_population")
    assert lonely_wijken(whole) == ["Cool (12)"]


def test_fail_stops_before_weighting_naming_the_edition_the_wijken_and_the_option():
    frame = _frame()
    with pytest.raises(WijkprofielError) as stopped:
        weight_edition(frame, [], report_design(environ={}), 2024)
    assert str(stopped.value) == (
        "edition 2024: 2 wijken have only one respondent (Cool (12), Oude Westen (15)), so the "
        "variance within the wijk cannot be estimated and no standard error can be given; rerun "
        "with --lonely-psu remove|certainty|adjust (or REPORT_LONELY_PSU) to choose how such a "
        "wijk counts (docs/report.md)")
    with pytest.raises(WijkprofielError, match=r"^wijk Cool \(12\) has only one respondent, so"):
        weight_edition(frame.iloc[:3], [], report_design(environ={}))


def _variance_text(*args, **kwargs):
    return dict(_method(None, "Veiligheidsindex -subjectief", *args, **kwargs))["Variantie"]


def test_the_method_text_states_the_rule_and_where_it_applied():
    assert "Strata met één respondent: niet toegestaan (regel fail" in _variance_text()
    text = _variance_text(None, "remove", {2024: ["Cool (12)"], 2022: []})
    assert "Strata met één respondent: regel remove (R survey.lonely.psu = \"remove\")" in text
    assert "onder elk van de drie regels draagt zo'n wijk niets bij" in text
    assert "met één respondent wordt zij ook niet gepubliceerd" in text
    assert text.endswith("Wijken met één respondent per editie: 2024: Cool (12); 2022: geen.")
    # with every figure published (min-n 1) the text does not claim it is not
    published = _variance_text(PublicationRule(min_n=1, indicative_n=1), "adjust", {2024: ["Cool (12)"]})
    assert "regel adjust" in published and "niet gepubliceerd" not in published


def test_a_table_made_under_another_rule_is_written_again(tmp_path):
    table = pd.DataFrame({"level": ["stad"], "domain": ["Rotterdam"], "indicator": ["x"], "se": [0.01]})
    paths = tables.write_indicator_tables(tmp_path, table, year=2024)
    written = [os.stat(p).st_mtime_ns for p in paths]
    tables.write_indicator_tables(tmp_path, table, year=2024)
    assert [os.stat(p).st_mtime_ns for p in paths] == written
    made_with = (("lonely_psu", "adjust", [(2024, ["Cool (12)"])]),)
    tables.write_indicator_tables(tmp_path, table, year=2024, made_with=made_with)
    again = [os.stat(p).st_mtime_ns for p in paths]
    assert all(a != b for a, b in zip(again, written))
    tables.write_indicator_tables(tmp_path, table, year=2024, made_with=made_with)
    assert [os.stat(p).st_mtime_ns for p in paths] == again
