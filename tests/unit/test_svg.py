"""The shared SVG toolkit: round ticks that cover the data (no mark falls outside the axis),
and a document that names itself by its title and description."""

import pytest

from survey import svg


@pytest.mark.parametrize("low, high", [(5.2, 62.3), (0, 1), (87.1, 112.9), (0.3, 0.31), (3, 3),
                                       (-4, 7), (0.011, 0.93), (1234, 98765)])
def test_ticks_cover_the_range_with_round_even_steps(low, high):
    values = svg.ticks(low, high, 5)
    assert values[0] <= low and values[-1] >= high
    steps = {round(b - a, 9) for a, b in zip(values, values[1:])}
    assert len(steps) == 1 and 2 <= len(values) <= 9


def test_a_chart_document_is_named_by_its_title_and_description():
    chart = svg.document("c1", 100, 50.0, "Titel & meer", "Beschrijving <1>", ["<rect/>"],
                         font_size=9, font_family="DejaVu Sans")
    assert (chart.width, chart.height) == (100, 50)
    assert 'role="img" aria-labelledby="c1-t c1-d"' in chart
    assert "<title id=\"c1-t\">Titel &amp; meer</title>" in chart
    assert "Beschrijving &lt;1&gt;" in chart
    tag = svg.image_tag(chart, 'alt "tekst"')
    assert tag.startswith('<img alt="alt &#34;tekst&#34;" src="data:image/svg+xml;base64,')
