"""AAPOR outcome rates against a hand-computed example.

Example: I=400, P=50, R=100, NC=150, O=20, UH=200, UO=80, NE=30 (1,030 cases).
By hand, with the formulas of AAPOR Standard Definitions:
    all but NE = (400+50) + (100+150+20) + (200+80) = 1000
    RR1 = 400/1000 = 0.40                RR2 = 450/1000 = 0.45
    e   = 720/(720+30) = 0.96            RR3 = 400/(720 + 0.96*280) = 400/988.8
    RR4 = 450/988.8                      COOP1 = 400/(450+100+20) = 400/570
    REF1 = 100/1000 = 0.10               CON1 = 570/(570+150+280) = 0.57
"""

import pytest

from survey.fieldwork import aapor
from survey.fieldwork.aapor import OutcomeCounts

EXAMPLE = OutcomeCounts(I=400, P=50, R=100, NC=150, O=20, UH=200, UO=80, NE=30)


def test_rates_match_the_hand_computed_example():
    rates = EXAMPLE.rates()
    assert rates["RR1"] == pytest.approx(0.40)
    assert rates["RR2"] == pytest.approx(0.45)
    assert EXAMPLE.eligibility_share == pytest.approx(0.96)
    assert rates["RR3"] == pytest.approx(400 / 988.8)
    assert rates["RR4"] == pytest.approx(450 / 988.8)
    assert rates["COOP1"] == pytest.approx(400 / 570)
    assert rates["REF1"] == pytest.approx(0.10)
    assert rates["CON1"] == pytest.approx(0.57)


def test_counts_from_codes_fall_into_aapor_groups():
    counts = OutcomeCounts.from_dispositions({
        "1.1": 400, "1.2": 50, "2.11": 60, "2.112": 10, "2.1121": 5, "2.12": 25, "2.20": 150,
        "2.31": 12, "2.33": 8, "3.19": 200, "3.23": 10, "3.30": 50, "3.40": 20, "4.10": 30})
    assert counts == EXAMPLE
    assert counts.total == 1030


@pytest.mark.parametrize("code, expected", [
    ("1.1", "I"), ("1.2", "P"), ("2.11", "R"), ("2.12", "R"), ("2.1121", "R"),
    ("2.20", "NC"), ("2.31", "O"), ("3.11", "UH"), ("3.19", "UH"), ("3.23", "UO"),
    ("3.30", "UO"), ("3.40", "UO"), ("4.10", "NE"),
])
def test_group_of_each_code(code, expected):
    assert aapor.group(code) == expected


@pytest.mark.parametrize("code", ["", "1.3", "5.1", "2.40", "x", "3.0"])
def test_codes_outside_the_scheme_are_refused_with_the_code_named(code):
    with pytest.raises(aapor.DispositionError) as error:
        aapor.group(code)
    assert str(error.value).startswith(f"disposition {code!r} is not an AAPOR")


def test_rates_without_cases_are_none_not_a_division_error():
    rates = OutcomeCounts().rates()
    assert set(rates.values()) == {None}


def test_every_postal_outcome_has_a_valid_code_and_the_right_group():
    groups = {name: aapor.group(code) for name, (code, _label) in aapor.OUTCOMES.items()}
    assert groups["deceased"] == "O"  # died after sampling: eligible, AAPOR 2.31
    assert groups["refused"] == "R"
    assert groups["undeliverable"] == "UO"
    assert groups["moved_away"] == "NE"


def test_screened_out_units_leave_the_denominators_and_count_as_known_ineligible():
    """100 units: 40 complete, 5 answered "no longer lives at the address" (screened out),
    55 never heard from. By hand: RR1 = RR2 = 40 / (40 + 55) = 0.4211; before the fix the 5
    counted as completes, 45 / 100 = 0.45. e = 40 / (40 + 5) = 0.8889, so
    RR3 = 40 / (40 + 0.8889 * 55) = 40 / 88.89 = 0.45."""
    counts = OutcomeCounts.from_dispositions({"1.1": 40, aapor.SCREENED_OUT: 5, "3.19": 55})
    assert (counts.I, counts.NE, counts.UH, counts.total) == (40, 5, 55, 100)
    rates = counts.rates()
    assert rates["RR1"] == pytest.approx(40 / 95) == rates["RR2"]
    assert counts.eligibility_share == pytest.approx(40 / 45)
    assert rates["RR3"] == pytest.approx(40 / (40 + 40 / 45 * 55))
    assert rates["COOP1"] == 1.0  # a screened-out unit is no refusal either
