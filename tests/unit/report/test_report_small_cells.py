"""Issue 14's small-cell rule and index uncertainty in the report's own pages: the small
per-area charts draw indicative estimates hollow and leave unpublished ones out (and say so in
their text alternative), and an area's score box carries each score's 95% interval."""

import numpy as np
import pandas as pd

from survey.report import charts
from survey.report.build import _score_box
from survey.report.change import OBJECTIVE_PART, SUBJECTIVE_PART
from weighting.scores import load_score_config


def _panel_table():
    # a: published, b: indicative (30 to 99 respondents), c: suppressed (estimate emptied)
    return pd.DataFrame({"domain": ["a", "b", "c"], "estimate": [0.30, 0.50, np.nan],
                         "ci_low": [0.25, 0.35, np.nan], "ci_high": [0.35, 0.65, np.nan],
                         "indicative": [False, True, False]})


def test_the_area_panels_draw_an_indicative_area_hollow_and_a_suppressed_one_not_at_all():
    panels = charts.AreaPanels([(_panel_table(), "Voelt zich onveilig", 0.4, True)])
    try:
        marks = {}
        for domain in ("a", "b", "c"):
            tag = panels.render(domain)
            _, _, _, _, _, _, bar, dot, hollow, _, _ = panels.panels[0]
            marks[domain] = (tag, np.isfinite(dot.get_xdata()).any(),
                             np.isfinite(hollow.get_xdata()).any())
        assert hollow.get_markerfacecolor() == "white"
        # the other areas' indicative estimates are hollow too: one grey mark per kind
        axes = panels.figure.axes[0]
        faces = [line.get_markerfacecolor() for line in axes.lines
                 if line.get_marker() == "o" and not line.get_animated() and len(line.get_xdata())]
        assert "white" in faces and len(faces) == 2
    finally:
        panels.close()
    assert marks["a"][1:] == (True, False) and "1e van 2" in marks["a"][0]
    assert "indicatief" not in marks["a"][0]
    assert marks["b"][1:] == (False, True) and "2e van 2 (indicatief, open rondje)" in marks["b"][0]
    assert marks["c"][1:] == (False, False)
    assert "niet getoond, te weinig respondenten" in marks["c"][0]


def test_the_score_box_shows_each_interval_and_the_moves_and_no_zero_width_one():
    config = load_score_config()
    row = {"level": "wijk", "domain": "x", "register_used": 14, "indicators_used": 30}
    for column in config.score_columns:
        row[column], row[f"{column} ci_low"], row[f"{column} ci_high"] = 100.0, 94.0, 107.0
    # register-only: no sampling error, so no interval is shown
    row[f"{OBJECTIVE_PART} ci_low"] = row[f"{OBJECTIVE_PART} ci_high"] = 100.0
    row.update({f"{config.index_column} 2022": 93.0, f"change {config.index_column}": 7.0,
                f"change {config.index_column} ci_low": -1.5, f"change {config.index_column} ci_high": 15.0,
                "flag_5_points": False, "moved_5_points": True})
    box = _score_box(pd.DataFrame([row]), "wijk", "x", 2022, config, config.index_column)
    assert box["index"] == ("100", box["index"][1], "94–107")
    assert box["subjective"][2] == "94–107" and box["objective"][2] == ""
    assert all(theme[3] == "94–107" for theme in box["subjective_themes"])
    # moved 5 points but the move's interval holds 0: shown, with the interval, and not flagged
    assert box["moved"] and not box["flag"] and box["move_interval"] == "-1,5 tot 15,0"
    assert SUBJECTIVE_PART in config.score_columns
