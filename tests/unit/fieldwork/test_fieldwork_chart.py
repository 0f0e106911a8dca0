"""The inline SVG chart: one line per series, the target, and no inline style (CSP)."""

import re
from datetime import date

from survey.fieldwork import chart


def test_chart_draws_each_series_and_the_target():
    series = {"all": [(date(2023, 3, 1), 2), (date(2023, 3, 5), 6)],
              "web": [(date(2023, 3, 1), 2), (date(2023, 3, 5), 4)],
              "paper": [(date(2023, 3, 1), 0), (date(2023, 3, 5), 2)]}
    svg = str(chart.cumulative_svg(series, target=10, start=date(2023, 3, 1),
                                   end=date(2023, 4, 30)))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert len(re.findall("<polyline", svg)) == 3
    assert "Doel 10" in svg and "Totaal (6)" in svg and "Papier (2)" in svg
    assert "apr 2023" in svg  # a month tick inside the fieldwork period
    assert "style=" not in svg


def test_chart_without_completes_says_so():
    assert "Nog geen voltooide" in chart.cumulative_svg({"all": []})


def test_nice_steps_are_round():
    assert [chart.nice_step(n) for n in (29820, 420, 7, 0)] == [5000, 100, 1, 1]
