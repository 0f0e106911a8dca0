"""Issue 14's small-cell rule and index uncertainty in the report's own pages: the small
per-area charts draw indicative estimates hollow and leave unpublished ones out (and say so in
their text alternative), and an area's score box carries each score's 95% interval."""

import base64
import re

import numpy as np
import pandas as pd

from survey.report import charts
from survey.report.build import _by_area, _score_box
from survey.report.change import OBJECTIVE_PART, SUBJECTIVE_PART
from weighting.scores import load_score_config


def _panel_table():
    # a: published, b: indicative (30 to 99 respondents), c: suppressed (estimate emptied)
    return pd.DataFrame({"domain": ["a", "b", "c"], "estimate": [0.30, 0.50, np.nan],
                         "ci_low": [0.25, 0.35, np.nan], "ci_high": [0.35, 0.65, np.nan],
                         "indicative": [False, True, False]})


def _svg_of(tag: str) -> str:
    """The SVG document inside an <img> tag's data URI."""
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', tag).group(1)
    return base64.b64decode(data).decode("utf-8")


def test_the_area_panels_draw_an_indicative_area_hollow_and_a_suppressed_one_not_at_all():
    panels = charts.AreaPanels([(_panel_table(), "Voelt zich onveilig", 0.4, True)])
    tags = {domain: panels.render(domain) for domain in ("a", "b", "c")}
    documents = {domain: _svg_of(tag) for domain, tag in tags.items()}
    own = {domain: re.findall(r'<path d="(M[^"]*a[^"]*)" fill="([^"]+)"(?: stroke="([^"]+)")?',
                              document.split(panels.background, 1)[1])
           for domain, document in documents.items()}
    # a: one filled green mark; b: one open (white) mark with a green ring; c: no mark at all
    assert [(fill, stroke) for _, fill, stroke in own["a"]] == [(charts.ROTTERDAM_GREEN, "")]
    assert [(fill, stroke) for _, fill, stroke in own["b"]] == [("#ffffff", charts.ROTTERDAM_GREEN)]
    assert own["c"] == []
    # the other areas: published ones grey and filled, the indicative one grey and open, and
    # the suppressed one not drawn (two areas: two marks)
    grey = re.findall(r'<path d="(M[^"]*)" fill="([^"]+)"(?: stroke="%s")?' % charts.GREY,
                      panels.background)
    marks = [(d.count("M"), fill) for d, fill in grey if "a" in d]
    assert sorted(marks) == sorted([(1, "#ffffff"), (1, charts.GREY)])
    assert "1e van 2" in tags["a"] and "indicatief" not in tags["a"]
    assert "2e van 2 (indicatief, open rondje)" in tags["b"]
    assert "niet getoond, te weinig respondenten" in tags["c"]
    # the text alternative is in the image and in the SVG's own description
    assert "niet getoond, te weinig respondenten" in documents["c"]


def test_the_trend_panel_legend_sits_below_the_plot():
    trend = ([2022, 2024], {"a": [95.0, 120.0]}, [100.0, 101.0], "Veiligheidsindex")
    panels = charts.AreaPanels([(_panel_table(), "Voelt zich onveilig", 0.4, True)], trend)
    document = _svg_of(panels.render("a"))
    legend_y = float(re.search(r'<text x="[^"]+" y="([^"]+)"[^>]*>Rotterdam</text>', document).group(1))
    assert legend_y > panels.PLOT_TOP + panels.PLOT_HEIGHT + 10
    assert "2022: 95, 2024: 120" in panels.render("a")


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
    box = _score_box(_by_area(pd.DataFrame([row])), "wijk", "x", 2022, config, config.index_column)
    assert box["index"] == ("100", box["index"][1], "94–107")
    assert box["subjective"][2] == "94–107" and box["objective"][2] == ""
    assert all(theme[3] == "94–107" for theme in box["subjective_themes"])
    # moved 5 points but the move's interval holds 0: shown, with the interval, and not flagged
    assert box["moved"] and not box["flag"] and box["move_interval"] == "−1,5 tot 15,0"
    assert SUBJECTIVE_PART in config.score_columns
