"""weighting.scores and weighting.export_format on small, hand-checkable inputs."""

import math

import numpy as np
import pandas as pd
import pytest
import yaml

from weighting.errors import InputError
from weighting.export_format import (parse_number, read_export, read_half_widths, read_scores,
                                     write_scores)
from weighting.scores import (compute_scores, index_change, indicator_scores, load_score_config,
                              reproduction_table, round_scores, score_config_from_dict,
                              score_range, theme_scores)
from weighting.tables import ReadNotice


def small_config(**method):
    """One subjective theme with a perception and two victimisation indicators, one objective."""
    return score_config_from_dict({
        "index": "Index",
        "method": method,
        "parts": [{"column": "Subjectief", "themes": ["Inbraak-s"]},
                  {"column": "Objectief", "themes": ["Inbraak-o"]}],
        "themes": [
            {"column": "Inbraak-s", "indicators": [
                {"column": "probleem", "group": "beleving", "direction": "higher_is_worse",
                 "transform": "sqrt", "baseline": 16.0, "sd": 1.0},
                {"column": "slachtoffer", "group": "slachtofferschap", "direction": "higher_is_worse",
                 "transform": "sqrt", "baseline": 4.0, "sd": 0.5},
                {"column": "poging", "group": "slachtofferschap", "direction": "higher_is_worse",
                 "transform": "linear", "baseline": 2.0, "sd": 1.0}]},
            {"column": "Inbraak-o", "indicators": [
                {"column": "tevreden", "direction": "higher_is_better", "transform": "linear",
                 "baseline": 70.0, "sd": 10.0}]},
        ],
    })


def test_indicator_score_is_40_points_per_sd_of_the_transformed_value():
    values = pd.DataFrame({"probleem": [25.0], "slachtoffer": [1.0], "poging": [2.5], "tevreden": [75.0]})
    scores = indicator_scores(values, small_config()).iloc[0]
    # sqrt(25) - sqrt(16) = 1 sd worse -> 60; sqrt(1) - sqrt(4) = -1 / 0.5 = 2 sd better -> 180;
    # 0.5 sd worse -> 80; 0.5 sd better -> 120.
    assert scores.tolist() == [60.0, 180.0, 80.0, 120.0]


def test_indicator_scores_are_clipped_to_the_configured_range():
    values = pd.DataFrame({"probleem": [100.0], "slachtoffer": [0.0], "poging": [2.0], "tevreden": [70.0]})
    assert indicator_scores(values, small_config()).iloc[0].tolist() == [20.0, 180.0, 100.0, 100.0]
    wide = indicator_scores(values, small_config(clip=None)).iloc[0]
    assert wide.tolist() == [100 - 40 * 6, 100 + 40 * 4, 100.0, 100.0]


def test_theme_is_mean_of_group_means_or_of_indicators():
    values = pd.DataFrame({"probleem": [25.0], "slachtoffer": [4.0], "poging": [4.0], "tevreden": [70.0]})
    # indicator scores: 60, 100, 20 -> groups: 60 and (100 + 20) / 2 = 60 -> theme 60
    grouped = theme_scores(indicator_scores(values, small_config()), small_config())
    flat = theme_scores(indicator_scores(values, small_config(theme_mean="indicators")),
                        small_config(theme_mean="indicators"))
    assert grouped.loc[0, "Inbraak-s"] == 60.0
    assert flat.loc[0, "Inbraak-s"] == 60.0
    values.loc[0, "poging"] = 2.0  # victim scores 100 and 100: groups 60 | 100 -> 80; flat 86.67
    assert theme_scores(indicator_scores(values, small_config()), small_config()).loc[0, "Inbraak-s"] == 80.0
    flat = theme_scores(indicator_scores(values, small_config()), small_config(theme_mean="indicators"))
    assert flat.loc[0, "Inbraak-s"] == pytest.approx(260 / 3)


def test_parts_and_index_are_means_rounded_once_at_the_end():
    # Subjectief 80.4, objectief 84.6: index 82.5 -> 83, though the rounded parts (80, 85) give 82.5 too
    values = pd.DataFrame({"probleem": [16.0], "slachtoffer": [4.0], "poging": [3.6], "tevreden": [60.0]},
                          index=[71])
    values.loc[71, "tevreden"] = 70.0 - 10.0 * (100 - 84.6) / 40
    unrounded = compute_scores(values, small_config(), rounded=False).loc[71]
    assert unrounded["Subjectief"] == pytest.approx(100 * 0.5 + (100 + 36) / 2 * 0.5)
    scores = compute_scores(values, small_config()).loc[71]
    assert list(scores.index) == ["Index", "Subjectief", "Objectief", "Inbraak-s", "Inbraak-o"]
    assert scores["Objectief"] == 85.0
    assert scores["Index"] == round_scores(pd.Series([unrounded["Index"]]))[0]


def test_missing_indicator_values_use_what_is_available():
    values = pd.DataFrame({"probleem": [np.nan, np.nan], "slachtoffer": [4.0, np.nan],
                           "poging": [np.nan, np.nan], "tevreden": [70.0, 70.0]})
    available = compute_scores(values, small_config())
    assert available.loc[0, "Inbraak-s"] == 100.0
    assert math.isnan(available.loc[1, "Inbraak-s"])
    assert math.isnan(available.loc[1, "Subjectief"]) and math.isnan(available.loc[1, "Index"])
    assert available.loc[1, "Objectief"] == 100.0
    complete = compute_scores(values, small_config(missing="complete"))
    assert math.isnan(complete.loc[0, "Inbraak-s"])


def test_round_scores_half_up_and_half_even():
    series = pd.Series([84.5, 85.5, 99.49, 100.5000000001, 0.1 + 0.2 + 84.2])
    assert round_scores(series).tolist() == [85.0, 86.0, 99.0, 101.0, 85.0]
    assert round_scores(series, rule="half_even").tolist() == [84.0, 86.0, 99.0, 100.0, 84.0]


def test_reproduction_table_counts_exact_within_1_and_2():
    table = reproduction_table(pd.DataFrame({"T": [100.0, 91.0, 72.0, np.nan]}),
                               pd.DataFrame({"T": [100.0, 90.0, 75.0, 80.0]}), ["T"])
    assert table.loc["T"].to_dict() == {"rows": 3, "exact": 1, "within_1": 2, "within_2": 2,
                                        "max_diff": 3.0}


def test_index_change_flags_moves_of_5_points_either_way():
    before = pd.DataFrame({"Veiligheidsindex": [81.0, 90.0, 100.0, 70.0, 88.0]}, index=[71, 72, 73, 82, 99])
    after = pd.DataFrame({"Veiligheidsindex": [86.0, 94.9, 94.0, np.nan, 88.0]}, index=[71, 72, 73, 82, 4000])
    change = index_change(before, after)
    assert list(change.index) == [71, 72, 73, 82]
    assert change["change"].round(1).tolist()[:3] == [5.0, 4.9, -6.0]
    assert change["flagged"].tolist() == [True, False, True, False]
    with pytest.raises(InputError, match="has no column 'Sociale index'"):
        index_change(before, after, column="Sociale index")


def test_score_range_brackets_the_point_estimate():
    values = pd.DataFrame({"probleem": [20.0], "slachtoffer": [2.0], "poging": [3.0], "tevreden": [52.0]})
    config = small_config()
    low, high = score_range(values, pd.Series(0.5, index=config.indicator_columns), config)
    point = compute_scores(values, config, rounded=False)
    assert ((low <= point) & (point <= high)).all(axis=None)
    assert (high - low).loc[0, "Inbraak-o"] == pytest.approx(40 * 1.0 / 10.0)


def test_indicator_values_outside_the_transform_domain_are_refused():
    values = pd.DataFrame({"probleem": [16.0, -1.0], "slachtoffer": [4.0, 4.0], "poging": [2.0, 2.0],
                           "tevreden": [70.0, 70.0]}, index=[71, 72])
    with pytest.raises(InputError, match=r"row 72, column 'probleem': -1 is out of range"):
        compute_scores(values, small_config())
    values["probleem"] = values["probleem"].astype(object)
    values.loc[72, "probleem"] = "veel"
    with pytest.raises(InputError, match=r"row 72, column 'probleem': 'veel' is not a number"):
        compute_scores(values, small_config())


@pytest.mark.parametrize("change, message", [
    ({"method": {"scale": 0}}, "line 6: method.scale: 0 is less than or equal to the minimum of 0"),
    ({"method": {"clip": [180, 20]}}, "line 6: method.clip: low 180 must be below high 20"),
    ({"method": {"theme_mean": "weighted"}}, "line 6: method.theme_mean: 'weighted' is not one of ['groups', 'indicators']"),
    ({"parts": [{"column": "P", "themes": ["Inbraak"]}]}, "part 'P': theme 'Inbraak' is not one of the themes"),
    ({"parts": [{"column": "P", "themes": ["T1"]}]}, "theme 'T2' belongs to no part"),
])
def test_config_errors_name_the_file_and_setting(tmp_path, change, message):
    data = {"kind": "index_scores", "id": "i", "index": "I", "baseline_edition": 2014, "parts": [{"column": "P", "themes": ["T1", "T2"]}], "themes": [
        {"column": "T1", "indicators": [{"column": "a", "direction": "higher_is_worse",
                                         "transform": "sqrt", "baseline": 1.0, "sd": 1.0}]},
        {"column": "T2", "indicators": [{"column": "b", "direction": "higher_is_better",
                                         "transform": "linear", "baseline": 1.0, "sd": 1.0}]}]}
    data.update(change)
    path = tmp_path / "index.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_score_config(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_indicator_config_errors_name_theme_and_indicator():
    with pytest.raises(InputError, match=r"theme 'T', indicator 'a': transform: 'cube' is not one of"):
        score_config_from_dict({"index": "I", "parts": [{"column": "P", "themes": ["T"]}], "themes": [
            {"column": "T", "indicators": [{"column": "a", "direction": "higher_is_worse",
                                            "transform": "cube", "baseline": 1, "sd": 1}]}]})


def test_shipped_configuration_matches_the_2014_baseline_file():
    # Themes and directions are the baseline file's; a baseline is the printed Rotterdam value or,
    # where that is a whole percent, a value inside its rounding interval; every sd is derived
    # from the export (tests/reference/test_index_2014.py re-derives them exactly).
    config = load_score_config()
    baseline = pd.read_csv("tests/reference/wijkprofiel/vi-indicator-baseline-2014.csv")
    assert len(config.indicators) == len(baseline) == 54
    by_column = {indicator.column: indicator for indicator in config.indicators}
    themes = {indicator.column: theme.column for theme in config.themes for indicator in theme.indicators}
    for row in baseline.itertuples():
        indicator = by_column[row.indicator.strip()]
        assert themes[indicator.column] == row.theme
        assert abs(indicator.baseline - row.rotterdam_2014) <= 0.5
        expected_sd = row.sd_71wijken_2014 if indicator.transform == "linear" else row.sd_sqrt_71wijken_2014
        assert 0.75 * expected_sd < indicator.sd <= expected_sd * 1.05
        assert indicator.direction == (1.0 if row.direction == "higher=better" else -1.0)


# --- the export format ----------------------------------------------------------------------


@pytest.mark.parametrize("cell, value", [("2,4", 2.4), ("52%", 52.0), ("0,80%", 0.8), ("1.234,5", 1234.5),
                                         ("-0,3", -0.3), (" 7 ", 7.0)])
def test_parse_number_reads_dutch_numbers(cell, value):
    assert parse_number(cell) == value


@pytest.mark.parametrize("cell", ["2.5", "2,4,1", "n.v.t.", "12 %", "1,2e3"])
def test_parse_number_refuses_what_is_not_a_dutch_number(cell):
    with pytest.raises(ValueError, match="expected a number with a decimal comma"):
        parse_number(cell)


def write_export(path, rows, header="naam;wijknr;Index;probleem ;slachtoffer;poging;tevreden"):
    path.write_text("\n".join([header] + rows) + "\n", encoding="utf-8")
    return path


def test_read_export_matches_columns_ignoring_spacing_and_skips_score_columns(tmp_path):
    path = write_export(tmp_path / "e.csv", ["Tarwewijk;71;x;25%;1,00%;2,5;52%", "Rotterdam;5000;;16%;4%;2;70%"])
    values = read_export(path, small_config())
    assert list(values.index) == [71, 5000]
    assert values.loc[71].tolist() == [25.0, 1.0, 2.5, 52.0]
    half = read_half_widths(path, small_config())
    assert half.tolist() == [0.5, 0.5, 0.05, 0.5]


@pytest.mark.parametrize("rows, message", [
    (["A;71;;25%;1%;2;52%", "B;72;;25%;1%;twee;52%"], "row 3, column 'poging': 'twee' (wijknr 72) is not a number"),
    (["A;71;;25%;1%;2;52%", "B;71;;25%;1%;2;52%"], "row 3, column 'wijknr': wijknr 71 appears twice (also in row 2)"),
    (["A;;;25%;1%;2;52%"], "row 2, column 'wijknr': '' is not a wijk number"),
    (["A;71;;25%;-1%;2;52%"], "row 2, column 'slachtoffer': -1 (wijknr 71) is out of range"),
    (["A;71;;25%;1%;2;52%;9;9"], "row 2: has 9 values where the header has 7 columns"),
    ([], "has a header but no rows"),
])
def test_read_export_errors_name_row_and_column(tmp_path, rows, message):
    path = write_export(tmp_path / "e.csv", rows)
    with pytest.raises(InputError) as caught:
        read_export(path, small_config())
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_read_export_names_missing_columns(tmp_path):
    path = write_export(tmp_path / "e.csv", ["A;71;;25%;1%;52%"], header="naam;wijknr;Index;probleem;slachtoffer;tevreden")
    with pytest.raises(InputError, match=r"has no column 'poging' \(1 missing of 5 needed\)"):
        read_export(path, small_config())


def test_read_export_accepts_bom_and_windows_encoding(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes("naam;wijknr;probleem;slachtoffer;poging;tevreden\r\nCharloïs;71;25%;1%;2;52%\r\n"
                     .encode("cp1252"))
    with pytest.warns(ReadNotice, match=r"e.csv is not UTF-8 \(row 2 has byte 0xef\); it was read as Windows-1252"):
        assert read_export(path, small_config()).loc[71, "tevreden"] == 52.0
    path.write_bytes(b"\xef\xbb\xbf" + "wijknr;probleem;slachtoffer;poging;tevreden\n71;25%;1%;2;52%\n".encode())
    assert read_export(path, small_config()).loc[71, "probleem"] == 25.0


def test_write_scores_round_trips(tmp_path):
    scores = pd.DataFrame({"Index": [81.0, np.nan], "Verschil": [-2.5, 0.0]},
                          index=pd.Index([71, 72], name="wijknr"))
    path = tmp_path / "s.csv"
    write_scores(scores, path)
    assert path.read_text(encoding="utf-8") == "wijknr;Index;Verschil\n71;81;-2,5\n72;;0\n"
    assert read_scores(path, ["Index", "Verschil"]).equals(scores)


def test_every_setting_of_the_shipped_configuration_is_documented():
    with open("indices/README.md", encoding="utf-8") as handle:
        documented = handle.read()
    for name in ("veiligheidsindex", "sociale_index", "fysieke_index"):
        with open(f"indices/{name}.yaml", encoding="utf-8") as handle:
            assert _undocumented(yaml.safe_load(handle), documented) == [], name


def _undocumented(data, documented):
    settings = {f"`{key}`" for key in data if key not in ("themes", "parts", "method")}
    settings |= {f"`method.{key}`" for key in data["method"]}
    settings |= {f"`parts[].{key}`" for part in data["parts"] for key in part}
    settings |= {f"`themes[].{key}`" for theme in data["themes"] for key in theme if key != "indicators"}
    settings |= {f"`themes[].indicators[].{key}`" for theme in data["themes"]
                 for indicator in theme["indicators"] for key in indicator}
    settings |= {f"`register.{key}`" for theme in data["themes"]
                 for indicator in theme["indicators"] for key in indicator.get("register", {})}
    settings |= {f"`changes[].{key}`" for theme in data["themes"]
                 for indicator in theme["indicators"] for change in indicator.get("changes", [])
                 for key in change}
    return sorted(setting for setting in settings if setting not in documented)
