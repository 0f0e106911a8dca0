"""Indicator values per respondent from stored answers, checked by hand on a few respondents of
the real Veiligheidsmonitor."""

import numpy as np
import pandas as pd
import pytest

from survey.paths import QUESTIONNAIRES_DIR
from survey.questionnaire import load_questionnaire
from survey.report.indicator_values import indicator_values


@pytest.fixture(scope="module")
def vm():
    return load_questionnaire(QUESTIONNAIRES_DIR / "veiligheidsmonitor.yaml")


def values(vm, indicator_id, frame):
    return indicator_values(vm.indicator(indicator_id), vm, frame).tolist()


def test_unsafe_in_own_buurt_counts_those_routed_past_as_no(vm):
    # ever unsafe: ja + soms -> 1; ja + zelden -> 0; nee (routed past) -> 0 as in the 2014
    # "% of all residents"; weet niet on the filter, or the follow-up skipped -> out of the base
    frame = pd.DataFrame({
        "onveilig_ooit": ["ja", "ja", "nee", "weet_niet", "ja", None],
        "onveilig_buurt": ["soms", "zelden", None, None, None, None],
    })
    result = values(vm, "onveilig_eigen_buurt", frame)
    assert result[:3] == [1.0, 0.0, 0.0]
    assert np.isnan(result[3:]).all()


def test_satisfaction_share_leaves_dont_know_out_of_the_base(vm):
    frame = pd.DataFrame({"tevreden_buurt": ["zeer_tevreden", "tevreden", "ontevreden",
                                             "weet_niet", None]})
    result = values(vm, "tevreden_met_buurt", frame)
    assert result[:3] == [1.0, 1.0, 0.0]
    assert np.isnan(result[3:]).all()


def test_a_mean_score_needs_half_its_items_unless_it_says_all(vm):
    # avoidance (1 nooit .. 3 vaak, four items): two of four answered is enough, one is not
    frame = pd.DataFrame({
        "verm_deur_niet_open": ["vaak", "soms", "vaak", None],
        "verm_plekken_mijden": ["vaak", "nooit", None, None],
        "verm_spullen_thuis": ["vaak", None, None, "soms"],
        "verm_omlopen": ["vaak", None, None, None],
    })
    result = values(vm, "vermijdingsgedrag", frame)
    assert result[:2] == pytest.approx([3.0, 1.5])
    assert np.isnan(result[2]) and np.isnan(result[3])


def test_victim_in_own_buurt_is_at_least_one_incident_there(vm):
    # threatened twice in the buurt -> 1; only elsewhere (0 in the buurt) -> 0; not threatened
    # (routed past the counts) -> 0; count "weet niet" or the screening skipped -> out of the base
    frame = pd.DataFrame({
        "slachtoffer_bedreiging": ["ja", "ja", "nee", "ja", None],
        "slachtoffer_bedreiging_aantal_buurt": ["2", "0", None, "weet_niet", None],
    })
    result = values(vm, "slachtoffer_bedreiging_buurt", frame)
    assert result[:3] == [1.0, 0.0, 0.0]
    assert np.isnan(result[3:]).all()


def test_bicycle_thefts_per_100_bicycles_is_a_ratio_of_sums(vm):
    from survey.report.indicator_values import denominator_values
    from weighting.design import Design
    from weighting import estimation
    # household 1: 3 bicycles, 2 stolen in the buurt; 2: 2 bicycles, none stolen (routed past);
    # 3: no bicycle (not asked: adds 0/0); 4: bicycles unknown -> out of the base
    frame = pd.DataFrame({
        "aantal_fietsen": ["3", "2", "0", "weet_niet"],
        "slachtoffer_fietsdiefstal": ["ja", "nee", None, "ja"],
        "slachtoffer_fietsdiefstal_aantal_buurt": ["2", None, None, "1"],
    })
    indicator = vm.indicator("fietsdiefstal_per_100_fietsen")
    above = indicator_values(indicator, vm, frame).tolist()
    below = denominator_values(indicator, vm, frame).tolist()
    assert above[:2] == [2.0, 0.0] and np.isnan(above[2]) and above[3] == 1.0
    assert below[:3] == [3.0, 2.0, 0.0] and np.isnan(below[3])
    design = Design(pd.DataFrame({"y": above, "x": below}))
    estimate = estimation.ratio(design, "y", "x")["estimate"].iloc[0] * indicator.multiplier
    assert estimate == pytest.approx(100 * 2 / 5)  # 2 thefts on 5 bicycles


def test_cohesion_is_the_cbs_scale_score_with_the_negative_item_reversed(vm):
    # all six "helemaal mee eens" except "kennen elkaar nauwelijks" (helemaal mee oneens, which is
    # the best answer there) -> 10; all "neutraal" -> 5; one "weet niet" -> no score (CBS: all six)
    items = ["cohesie_kennen_nauwelijks", "cohesie_omgang", "cohesie_gezellig", "cohesie_thuis",
             "cohesie_contact", "cohesie_samenstelling"]
    rows = [["helemaal_oneens"] + ["helemaal_eens"] * 5,
            ["neutraal"] * 6,
            ["eens", "eens", "oneens", "eens", "neutraal", "helemaal_eens"],
            ["weet_niet"] + ["eens"] * 5]
    frame = pd.DataFrame(rows, columns=items)
    result = values(vm, "sociale_cohesie", frame)
    # row 3: 4 - 3 = 1, 3, 1, 3, 2, 4 -> 14 of 24 -> 5.8333
    assert result[:3] == pytest.approx([10.0, 5.0, 14 / 24 * 10])
    assert np.isnan(result[3])


def test_unsafe_in_own_buurt_has_a_literal_alternative_that_counts_zelden(vm):
    frame = pd.DataFrame({"onveilig_ooit": ["ja", "ja", "ja", "nee"],
                          "onveilig_buurt": ["soms", "zelden", "nooit", None]})
    assert values(vm, "onveilig_eigen_buurt", frame) == [1.0, 0.0, 0.0, 0.0]
    assert values(vm, "onveilig_eigen_buurt_incl_zelden", frame) == [1.0, 1.0, 0.0, 0.0]
