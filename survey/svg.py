"""SVG charts written as text, the one drawing toolkit of the public site's charts
(`survey.publish.charts`) and the statistician's report's (`survey.report.charts`): no
plotting library, so a hundred charts take milliseconds and the report needs no matplotlib.

Every chart is a document with a title and a description (its text alternative), built from
the few pieces here: the document, an axis scale with round ticks, numbers written short, and
text widths estimated for layout (DejaVu Sans, the font of both).
"""

from __future__ import annotations

import base64
import math

from markupsafe import escape

__all__ = ["Chart", "document", "ticks", "Scale", "fmt", "text_width", "image_tag", "wrap"]

# DejaVu Sans's average advance is a little over half an em; digits are 0.64 em
CHARACTER_EM = 0.6


class Chart(str):
    """An SVG document (a str) that knows its size, for the page's <img width height>."""

    width: int
    height: int


def document(chart_id: str, width: float, height: float, title: str, description: str,
             body: list[str], *, font_size: float, font_family: str,
             aria: bool = True) -> Chart:
    """An <svg> with `body` inside, named by its <title> and described by its <desc>.

    `aria` adds role="img" and aria-labelledby, for a chart placed inline in a page; a chart
    shown through <img> carries its text alternative in the img's alt instead (both may)."""
    width, height = _size(width), _size(height)
    labelled = (f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" ' if aria else "")
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" {labelled}'
            f'font-size="{font_size}" font-family="{font_family}">'
            f'<title id="{chart_id}-t">{escape(title)}</title>'
            f'<desc id="{chart_id}-d">{escape(description)}</desc>')
    chart = Chart(head + "".join(body) + "</svg>")
    chart.width, chart.height = width, height
    return chart


def _size(value: float):
    return int(value) if float(value).is_integer() else round(float(value), 1)


def image_tag(chart: str, alt: str) -> str:
    """The chart as an <img> with an SVG data URI and `alt` as its text alternative: outside
    the HTML tree, so a PDF renderer does not style every mark as a page element."""
    data = base64.b64encode(chart.encode("utf-8")).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}">'


def fmt(value: float) -> str:
    """A coordinate: one decimal, no trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text_width(text: str, font_size: float) -> float:
    """Estimated width of `text` in DejaVu Sans at `font_size` (for margins and wrapping)."""
    return len(text) * CHARACTER_EM * font_size


def wrap(text: str, width: int, lines: int = 3) -> list[str]:
    """`text` broken into at most `lines` lines of about `width` characters."""
    import textwrap

    return textwrap.wrap(text, width)[:lines] or [""]


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values from at or below `low` to at or above `high`, about `count` of them
    (1, 2, 2.5 or 5 times a power of ten apart)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    count = max(int(round((last - first) / step)), 1)
    return [round(first + k * step, 10) for k in range(count + 1)]


class Scale:
    """A linear map from data values [low, high] onto pixels [start, end] (end < start for a
    vertical axis that grows upwards)."""

    def __init__(self, low: float, high: float, start: float, end: float):
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.start + (self.end - self.start) * (value - self.low) / span
