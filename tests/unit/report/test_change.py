"""Change over editions and the subjective Veiligheidsindex, on numbers checked by hand."""

import numpy as np
import pandas as pd
import pytest

from survey.report.change import SUBJECTIVE_PART, indicator_change, score_table, veiligheid_scores
from weighting.scores import load_score_config


def _table(estimates, ses, domains=("Rotterdam", "Noord")):
    return pd.DataFrame({"indicator": "onveilig", "level": ["stad", "gebied"], "domain": domains,
                         "estimate": estimates, "se": ses, "n": [900, 80]})


def test_difference_se_and_z_test_by_hand():
    # 2024: 34% (se 1.0 pp); 2022: 30% (se 1.2 pp): difference 4 pp, se sqrt(1 + 1.44) = 1.562,
    # z = 2.561 > 1.96: significant. Noord: 40% vs 35%, se 5 and 6: z = 5 / 7.81 = 0.64
    now = _table([0.34, 0.40], [0.010, 0.05])
    before = _table([0.30, 0.35], [0.012, 0.06])
    result = indicator_change(now, before)
    city, noord = result.iloc[0], result.iloc[1]
    assert city["change"] == pytest.approx(0.04)
    assert city["change_se"] == pytest.approx(np.sqrt(0.01**2 + 0.012**2))
    assert city["z"] == pytest.approx(2.5607, abs=1e-4)
    assert city["p"] == pytest.approx(0.01044, abs=1e-4)
    assert bool(city["significant"]) and not bool(noord["significant"])
    assert noord["z"] == pytest.approx(0.05 / np.hypot(0.05, 0.06))


def test_a_domain_missing_in_the_previous_edition_has_no_change():
    now = _table([0.34, 0.40], [0.010, 0.05])
    before = _table([0.30, 0.35], [0.012, 0.06], domains=("Rotterdam", "Zuid"))
    result = indicator_change(now, before)
    assert np.isnan(result.iloc[1]["change"]) and pd.isna(result.iloc[1]["significant"])


def _at_baseline(config, worse=0.0):
    """An indicator table whose labels are the 2014 columns of the subjective themes, each at
    its Rotterdam 2014 value (percentages as shares), or `worse` 2014 sds worse (in the
    transformed scale, so the score moves by 40 * worse)."""
    part = next(p for p in config.parts if p.column == SUBJECTIVE_PART)
    rows = []
    for theme in config.themes:
        if theme.column not in part.themes:
            continue
        for indicator in theme.indicators:
            percent = not indicator.column.startswith("Gemiddelde")
            step = -indicator.direction * worse * indicator.sd
            value = indicator.baseline + step if indicator.transform == "linear" \
                else (np.sqrt(indicator.baseline) + step) ** 2
            rows.append({"indicator": indicator.column, "label": indicator.column,
                         "kind": "proportion" if percent else "mean", "level": "stad",
                         "domain": "Rotterdam", "estimate": value / 100 if percent else value})
    return pd.DataFrame(rows)


def test_the_2014_rotterdam_values_score_100_on_every_subjective_theme():
    config = load_score_config()
    scores = veiligheid_scores(_at_baseline(config), config)
    row = scores.loc[("stad", "Rotterdam")]
    assert row[SUBJECTIVE_PART] == pytest.approx(100)
    assert row["Veiligheidsbeleving"] == pytest.approx(100)
    assert np.isnan(row["Veiligheidsindex -objectief"]) and np.isnan(row["Veiligheidsindex"])


def test_a_move_of_five_points_is_flagged():
    # every indicator an eighth of a 2014 sd worse: 40 / 8 = 5 points lower on every theme;
    # a sixteenth: 2.5 points, published as 98 (half up: 97.5 -> 98), a change of 2, no flag.
    # Without register data the flag is on the subjective part.
    config = load_score_config()
    before = veiligheid_scores(_at_baseline(config), config)
    after = veiligheid_scores(_at_baseline(config, worse=0.125), config)
    assert after.loc[("stad", "Rotterdam"), "Veiligheidsbeleving"] == pytest.approx(95)
    row = score_table({2024: after, 2022: before}, 2024, 2022, config).iloc[0]
    assert row[f"{SUBJECTIVE_PART} 2022"] == 100 and row[SUBJECTIVE_PART] == 95
    assert row["flag_score"] == SUBJECTIVE_PART
    assert row[f"change {SUBJECTIVE_PART}"] == -5 and bool(row["flag_5_points"])
    slight = veiligheid_scores(_at_baseline(config, worse=0.0625), config)
    row = score_table({2024: slight, 2022: before}, 2024, 2022, config).iloc[0]
    assert row[SUBJECTIVE_PART] == 98 and row[f"change {SUBJECTIVE_PART}"] == -2
    assert not bool(row["flag_5_points"])


def _register_at_baseline(config, worse=0.0):
    """Register values of Rotterdam at their 2014 value, or `worse` 2014 sds worse."""
    values = {}
    for indicator in config.register_indicators:
        step = -indicator.direction * worse * indicator.sd
        values[indicator.column] = indicator.baseline + step if indicator.transform == "linear" \
            else (np.sqrt(indicator.baseline) + step) ** 2
    return pd.DataFrame(values, index=pd.MultiIndex.from_tuples([("stad", "Rotterdam")],
                                                               names=["level", "domain"]))


def test_with_register_data_in_both_editions_the_full_index_is_flagged():
    # the subjective part 5 points lower, the objective part 5 points lower as well: the
    # index moves 5 points and is the flagged score; with the objective part unchanged the
    # index moves 2.5 (published 97.5 -> 98: a change of 2), and nothing is flagged although
    # the subjective part moved 5
    config = load_score_config()
    before = veiligheid_scores(_at_baseline(config), config, _register_at_baseline(config))
    after = veiligheid_scores(_at_baseline(config, worse=0.125), config,
                              _register_at_baseline(config, worse=0.125))
    row = score_table({2024: after, 2022: before}, 2024, 2022, config).iloc[0]
    assert row["flag_score"] == "Veiligheidsindex"
    assert row["Veiligheidsindex 2022"] == 100 and row["Veiligheidsindex"] == 95
    assert row["Veiligheidsindex -objectief"] == 95 and row["change Veiligheidsindex"] == -5
    assert bool(row["flag_5_points"])
    half = veiligheid_scores(_at_baseline(config, worse=0.125), config, _register_at_baseline(config))
    row = score_table({2024: half, 2022: before}, 2024, 2022, config).iloc[0]
    assert row["Veiligheidsindex"] == 98 and row[f"change {SUBJECTIVE_PART}"] == -5
    assert row["change Veiligheidsindex"] == -2 and not bool(row["flag_5_points"])


def test_an_index_move_is_flagged_only_when_its_interval_excludes_zero():
    config = load_score_config()
    index = pd.MultiIndex.from_tuples([("wijk", "A"), ("wijk", "B")], names=["level", "domain"])
    columns = list(config.score_columns)

    def scores(values):
        frame = pd.DataFrame(np.nan, index=index, columns=columns)
        frame[SUBJECTIVE_PART] = values
        return frame.assign(indicators_used=30, register_used=0)

    def spread(se):
        return pd.DataFrame({f"{SUBJECTIVE_PART} se": se}, index=index)

    table = score_table({2024: scores([106, 106]), 2022: scores([100, 100])}, 2024, 2022, config,
                        uncertainty={2024: spread([1.0, 4.0]), 2022: spread([1.0, 4.0])}).set_index("domain")
    # A: move 6 ± 1.96 sqrt(2) = 3.2 to 8.8, flagged; B: 6 ± 11.1 includes 0, not flagged
    assert table["moved_5_points"].tolist() == [True, True]
    assert table["flag_5_points"].tolist() == [True, False]
    assert table.loc["A", f"change {SUBJECTIVE_PART} ci_low"] == pytest.approx(6 - 1.96 * np.sqrt(2), abs=0.06)
