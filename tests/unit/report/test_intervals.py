"""How the report (and the site, tests/unit/publish/test_publish_site.py) writes an interval:
"95–104", but "−16 tot 50" when a bound is negative ("-16–50" read as a row of dashes), with a
true minus sign; a score's change interval the same way."""

import numpy as np
import pandas as pd
import pytest

from survey.report.intervals import (EN_DASH, MINUS, interval_text, signed_text, whole, whole_change,
                                     whole_interval)
from weighting.scores import load_index_configs


@pytest.mark.parametrize("low, high, expected", [
    ("95", "104", "95–104"),          # ordinary positive ranges stay as they were
    ("0", "12", "0–12"),
    ("-16", "50", "−16 tot 50"),      # a negative bound: words, and a true minus
    ("-5,8", "-4,2", "−5,8 tot −4,2"),
    ("−3", "7", "−3 tot 7"),          # already a true minus
    ("-0", "4", "0–4"),               # a negative that rounded to zero has no sign
    ("-0,0", "1,5", "0,0–1,5"),
])
def test_interval_text(low, high, expected):
    assert interval_text(low, high) == expected


def test_the_site_passes_the_words_of_its_language():
    assert interval_text("-16", "50", "%(low)s to %(high)s") == f"{MINUS}16 to 50"
    assert interval_text("16", "50", "%(low)s to %(high)s") == f"16{EN_DASH}50"


def test_a_score_and_its_interval():
    assert [whole(v) for v in (103.6, -15.7, -0.4, 0.4, np.nan, None)] == [
        "104", "−16", "0", "0", "", ""]
    assert whole_interval(95.2, 104.4) == "95–104"
    assert whole_interval(-15.7, 49.6) == "−16 tot 50"
    # none without both bounds, and none of no width (a register-only score)
    assert whole_interval(np.nan, 50.0) == whole_interval(None, 50.0) == ""
    assert whole_interval(80.2, 79.9) == ""
    assert signed_text("12,5") == "12,5" and signed_text("-12,5") == "−12,5"
    # a change beside them: the same minus, and a plus
    assert [whole_change(v) for v in (6.2, -5.7, -0.3, None)] == ["+6", "−6", "0", ""]


def test_the_report_page_writes_a_negative_bound_with_tot(tmp_path):
    """indices.html, the report's page of the indices and the targets, with a tiny wijk's target
    whose interval reaches below zero; and that wijk's score box on its report page, with a
    change interval below zero."""
    from survey.report.build import _by_area, _score_box
    from survey.report.index_pages import write_index_pages

    configs = load_index_configs()
    config = configs["Veiligheidsindex"]
    columns = [c for cfg in configs.values() for c in cfg.score_columns]
    table = pd.DataFrame([("stad", "Rotterdam", 104.0), ("gebied", "Charlois", 84.0),
                          ("wijk", "Heijplaat", 17.0)], columns=["level", "domain", "value"])
    table = pd.concat([table[["level", "domain"]],
                       pd.DataFrame({c: table["value"] for c in columns})], axis=1)
    for column in config.score_columns:
        table[f"{column} ci_low"] = [101.2, 79.6, -15.7]
        table[f"{column} ci_high"] = [106.9, 88.4, 49.6]
    series = pd.DataFrame(columns=["level", "domain", "edition", "column", "value", "source"])
    # a target of the tiny wijk, its last value uncertain enough to reach below zero
    targets = pd.DataFrame([{
        "target": "vi_heijplaat", "title": "Veiligheidsindex van Heijplaat omhoog",
        "score": "Veiligheidsindex", "area": "Heijplaat", "baseline_edition": 2022,
        "baseline": 23.0, "goal": 30.0, "by_edition": 2026, "latest_edition": 2024,
        "latest": 17.0, "se": 16.7, "ci_low": -15.7, "ci_high": 49.6, "change": -6.0,
        "to_go": 13.0, "on_track": False, "certain": False}])
    areas = pd.DataFrame({"wijk_code": [9], "wijk": ["Heijplaat"], "gebied": ["Charlois"]})
    html = write_index_pages(tmp_path, year=2024, previous=None, table=table, configs=configs,
                             series=series, targets=targets, ses=pd.DataFrame(),
                             areas=areas).read_text(encoding="utf-8")
    assert "<td>−16 tot 50</td><td>−6</td>" in html  # the target's interval and change
    assert "95%-interval 101–107" in html  # the city's, positive
    assert "-16" not in html and "16–50" not in html

    row = table.iloc[2].to_dict() | {
        "register_used": 14, "indicators_used": 30, f"{config.index_column} 2022": 23.0,
        f"change {config.index_column}": -6.0, f"change {config.index_column} ci_low": -5.8,
        f"change {config.index_column} ci_high": -4.2, "flag_5_points": True}
    box = _score_box(_by_area(pd.DataFrame([row])), "wijk", "Heijplaat", 2022, config,
                     config.index_column)
    assert box["index"][2] == "−16 tot 50"
    assert box["move_interval"] == "−5,8 tot −4,2" and box["change"] == "−6"
