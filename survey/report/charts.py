"""Charts for the report, drawn as SVG text (`survey.svg`, the public site's toolkit too) and
embedded in the HTML as data URIs, so the report stays one self-contained file and needs no
plotting library: the 85 area charts of a full edition take a fraction of a second.

Every chart has a text alternative that names what it shows (the <img>'s alt, or the inline
SVG's title and description). The small-cell rule of the report holds in every chart:
unpublished estimates are not drawn, indicative ones are drawn as open circles, and the text
alternative says which.
"""

from __future__ import annotations

import numpy as np
from markupsafe import escape

from survey import svg

ROTTERDAM_GREEN = "#00811f"
GREY = "#5c5c5c"
LIGHT = "#b8b8b8"
GRID = "#dddddd"
INK = "#1b1b1b"
PREVIOUS = "#8c6bb1"
TREND_COLOURS = (ROTTERDAM_GREEN, PREVIOUS, "#d95f02", "#1f78b4", GREY)
FONT_FAMILY = "DejaVu Sans, sans-serif"
F = svg.fmt


def _document(chart_id, width, height, title, description, body, *, aria=False, font_size=9):
    return svg.document(chart_id, width, height, title, description, body,
                        font_size=font_size, font_family=FONT_FAMILY, aria=aria)


def _scale(percent):
    return 100.0 if percent else 1.0


def _number(value: float, percent: bool) -> str:
    """A value as the text alternatives write it: 23,4% or 6,8."""
    text = f"{value * _scale(percent):.1f}".replace(".", ",")
    return f"{text}%" if percent else text


def _indicative(table) -> np.ndarray:
    if "indicative" not in table:
        return np.zeros(len(table), dtype=bool)
    return table["indicative"].fillna(False).astype(bool).to_numpy()


def _published(table):
    """Rows a chart draws, ranked low to high: unpublished estimates (the small-cell rule)
    are left out."""
    return table[table["estimate"].notna()].sort_values("estimate").reset_index(drop=True)


def _dots(xs, ys, radius, colour, hollow=False, stroke_width=1.0) -> str:
    """Round marks, one <path> of circles (two arcs each): filled, or open (white inside)."""
    if len(xs) == 0:
        return ""
    r = F(radius)
    d = "".join(f"M{F(x - radius)},{F(y)}a{r},{r} 0 1,0 {F(2 * radius)},0"
                f"a{r},{r} 0 1,0 {F(-2 * radius)},0" for x, y in zip(xs, ys))
    if hollow:
        return (f'<path d="{d}" fill="#ffffff" stroke="{colour}" '
                f'stroke-width="{F(stroke_width)}"/>')
    return f'<path d="{d}" fill="{colour}"/>'


def _segments(pairs, colour, width, dash="") -> str:
    """Straight segments ((x1, y1, x2, y2), ...) as one <path>."""
    d = "".join(f"M{F(a)},{F(b)}L{F(c)},{F(e)}" for a, b, c, e in pairs)
    if not d:
        return ""
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{F(width)}"{dashed}/>'


def _text(x, y, text, *, size=None, anchor="", colour=INK, bold=False) -> str:
    attributes = f' font-size="{F(size)}"' if size else ""
    attributes += f' text-anchor="{anchor}"' if anchor else ""
    attributes += ' font-weight="bold"' if bold else ""
    return (f'<text x="{F(x)}" y="{F(y)}" fill="{colour}"{attributes}>'
            f'{escape(str(text))}</text>')


def _tick_label(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _value_range(*arrays, pad=0.05):
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return 0.0, 1.0
    low, high = float(values.min()), float(values.max())
    margin = (high - low) * pad or max(abs(high) * 0.1, 1.0)
    return low - margin, high + margin


def ranked_estimates(table, title: str, city_estimate: float | None = None,
                     percent: bool = True, chart_id: str = "ranked") -> str:
    """Horizontal dot plot of one indicator over domains, ranked, with 95% CI bars and
    Rotterdam as a dashed line; returns an <img> tag whose alt lists every area's value.

    `table` has columns domain, estimate, ci_low, ci_high (and indicative)."""
    table = _published(table)
    scale = _scale(percent)
    est, low, high = (table[c].to_numpy(dtype=float) * scale for c in ("estimate", "ci_low", "ci_high"))
    indicative = _indicative(table)
    names = table["domain"].astype(str).tolist()
    label_size, row = 8, 11
    width = 600
    left = 10 + max([svg.text_width(n, label_size) for n in names] or [0])
    title_lines = svg.wrap(title, 95)
    head = 14 * len(title_lines)  # the title, then the legend's row
    right, top = 14, head + 26
    plot_bottom = top + row * max(len(table), 1) + 4
    height = plot_bottom + 34
    city = None if city_estimate is None else city_estimate * scale
    lo, hi = _value_range(low, high, est, [] if city is None else [city])
    values = svg.ticks(lo, hi, 6)
    x = svg.Scale(values[0], values[-1], left, width - right)
    body = [_text(0, 13 + 14 * i, line, size=10, bold=True) for i, line in enumerate(title_lines)]
    for value in values:
        body.append(_segments([(x(value), top - 4, x(value), plot_bottom)], GRID, 0.6))
        body.append(_text(x(value), plot_bottom + 12, _tick_label(value), size=8, anchor="middle",
                          colour=GREY))
    body.append(_text((left + width - right) / 2, plot_bottom + 26, "%" if percent else "waarde",
                      size=8, anchor="middle", colour=GREY))
    ys = [top + row * (len(table) - 1 - i) + row / 2 for i in range(len(table))]  # highest on top
    body.append("".join(_text(left - 5, y + 3, name, size=label_size, anchor="end")
                        for name, y in zip(names, ys)))
    body.append(_segments([(x(a), y, x(b), y) for a, b, y in zip(low, high, ys)
                           if np.isfinite(a) and np.isfinite(b)], GREY, 0.8))
    body.append(_dots([x(v) for v in est[~indicative]], np.asarray(ys)[~indicative], 2.4,
                      ROTTERDAM_GREEN))
    body.append(_dots([x(v) for v in est[indicative]], np.asarray(ys)[indicative], 2.4,
                      ROTTERDAM_GREEN, hollow=True))
    # the legend above the plot, never over the marks
    legend_x, legend_y = left, head + 11
    if city is not None:
        body.append(_segments([(x(city), top - 4, x(city), plot_bottom)], GREY, 0.9, "4 3"))
        body.append(_segments([(legend_x, legend_y, legend_x + 18, legend_y)], GREY, 0.9, "4 3"))
        body.append(_text(legend_x + 22, legend_y + 3, "Rotterdam", size=8))
        legend_x += 90
    if indicative.any():
        body.append(_dots([legend_x + 6], [legend_y], 2.4, ROTTERDAM_GREEN, hollow=True))
        body.append(_text(legend_x + 14, legend_y + 3, "indicatief (weinig respondenten)", size=8))
    listed = "; ".join(f"{n} {_number(v / scale, percent)}"
                       + (" (indicatief)" if flag else "")
                       for n, v, flag in zip(names[::-1], est[::-1], indicative[::-1]))
    description = (f"Van hoog naar laag: {listed}."
                   + (f" Rotterdam: {_number(city_estimate, percent)}." if city is not None else ""))
    chart = _document(chart_id, width, height, title, description, body)
    return svg.image_tag(chart, f"{title}. {description}")


class AreaPanels:
    """Small multiples for the area pages of one level (gebied or wijk): for each key indicator
    all domains ranked (x = rank) with vertical 95% CI bars, Rotterdam dashed, and the page's
    own area in green; then the area's trend over editions. The grey part is written once per
    level; each page adds only its own green marks.

    The small-cell rule: unpublished estimates are not drawn, indicative ones are open circles
    (the image's text alternative and the page's note say so).

    `panels`: list of (table with domain, estimate, ci_low, ci_high; title; Rotterdam
    estimate; percent). `trend`: (editions, {domain: values}, Rotterdam values, title) or None.
    """

    PANEL_WIDTH, PLOT_TOP, PLOT_HEIGHT = 190, 42, 96
    LEFT, RIGHT = 30, 8

    def __init__(self, panels, trend=None, chart_id: str = "area"):
        self.chart_id = chart_id
        self.panels = []
        background = []
        plot_bottom = self.PLOT_TOP + self.PLOT_HEIGHT
        for number, (table, title, city, percent) in enumerate(panels):
            table = _published(table)
            scale = _scale(percent)
            est, low, high = (table[c].to_numpy(dtype=float) * scale
                              for c in ("estimate", "ci_low", "ci_high"))
            indicative = _indicative(table)
            city_value = None if city is None else city * scale
            origin = number * self.PANEL_WIDTH
            x = svg.Scale(0.5, max(len(table), 1) + 0.5, origin + self.LEFT,
                          origin + self.PANEL_WIDTH - self.RIGHT)
            lo, hi = _value_range(low, high, est, [] if city_value is None else [city_value])
            values = svg.ticks(lo, hi, 4)
            y = svg.Scale(values[0], values[-1], plot_bottom, self.PLOT_TOP)
            xs = x(np.arange(1, len(table) + 1))
            background.append(self._frame(origin, title, values, y, percent, len(table)))
            background.append(_segments([(a, y(b), a, y(c)) for a, b, c in zip(xs, low, high)
                                         if np.isfinite(b) and np.isfinite(c)], LIGHT, 0.8))
            background.append(_dots(xs[~indicative], y(est[~indicative]), 1.3, GREY))
            background.append(_dots(xs[indicative], y(est[indicative]), 1.6, GREY, hollow=True,
                                    stroke_width=0.6))
            if city_value is not None:
                background.append(_segments([(origin + self.LEFT, y(city_value),
                                              origin + self.PANEL_WIDTH - self.RIGHT, y(city_value))],
                                            GREY, 0.7, "3 2"))
            position = {d: i for i, d in enumerate(table["domain"])}
            self.panels.append((position, xs, y(est), y(low), y(high), indicative, origin, title))
        self.trend = None
        count = len(panels) + (1 if trend else 0)
        if trend:
            editions, values, city_values, title = trend
            origin = len(panels) * self.PANEL_WIDTH
            x = svg.Scale(min(editions) - 1, max(editions) + 1, origin + self.LEFT,
                          origin + self.PANEL_WIDTH - self.RIGHT)
            every = [v for vs in values.values() for v in vs if v is not None and not np.isnan(v)]
            every += [v for v in city_values if v is not None and not np.isnan(v)]
            lo, hi = (min(every) - 5, max(every) + 5) if every else (80, 120)
            ticks = svg.ticks(lo, hi, 4)
            y = svg.Scale(ticks[0], ticks[-1], plot_bottom, self.PLOT_TOP)
            background.append(self._frame(origin, title, ticks, y, False, None))
            for edition in editions:
                background.append(_text(x(edition), plot_bottom + 10, edition, size=6.5,
                                        anchor="middle", colour=GREY))
            known = [(x(e), y(v)) for e, v in zip(editions, city_values)
                     if v is not None and not np.isnan(v)]
            background.append(_polyline(known, GREY, 0.8, "3 2"))
            background.append(_dots([p[0] for p in known], [p[1] for p in known], 1.6, GREY))
            # the legend under the plot, so it never covers a line
            legend_y = plot_bottom + 22
            background.append(_segments([(origin + self.LEFT, legend_y, origin + self.LEFT + 14, legend_y)],
                                        GREY, 0.8, "3 2"))
            background.append(_text(origin + self.LEFT + 18, legend_y + 2.5, "Rotterdam", size=6.5))
            background.append(_segments([(origin + self.LEFT, legend_y + 11, origin + self.LEFT + 14,
                                          legend_y + 11)], ROTTERDAM_GREEN, 1.5))
            background.append(_text(origin + self.LEFT + 18, legend_y + 13.5,
                                    "dit gebied / deze wijk", size=6.5))
            self.trend = (editions, values, x, y, title)
        self.width = count * self.PANEL_WIDTH
        self.height = plot_bottom + (48 if trend else 26)
        self.background = "".join(background)

    def _frame(self, origin, title, ticks, y, percent, count):
        """A panel's title, y grid and ticks, and x axis (rank 1 and last when `count`)."""
        parts = [_text(origin + 2, 10 + 9 * i, line, size=7.5)
                 for i, line in enumerate(svg.wrap(title, 34))]
        left, right = origin + self.LEFT, origin + self.PANEL_WIDTH - self.RIGHT
        plot_bottom = self.PLOT_TOP + self.PLOT_HEIGHT
        parts.append(_segments([(left, y(t), right, y(t)) for t in ticks], GRID, 0.5))
        parts.append("".join(_text(left - 3, y(t) + 2.5, _tick_label(t), size=6.5, anchor="end",
                                   colour=GREY) for t in ticks))
        parts.append(_segments([(left, self.PLOT_TOP - 2, left, plot_bottom),
                                (left, plot_bottom, right, plot_bottom)], GREY, 0.6))
        if percent:
            parts.append(_text(origin + 4, self.PLOT_TOP - 6, "%", size=6.5, colour=GREY))
        if count is not None:
            x = svg.Scale(0.5, max(count, 1) + 0.5, left, right)
            parts.append(_text(x(1), plot_bottom + 10, "1", size=6.5, anchor="middle", colour=GREY))
            if count > 1:
                parts.append(_text(x(count), plot_bottom + 10, count, size=6.5, anchor="middle",
                                   colour=GREY))
            parts.append(_text((left + right) / 2, plot_bottom + 20, "rang (laag → hoog)", size=6.5,
                               anchor="middle", colour=GREY))
        return "".join(parts)

    def render(self, domain) -> str:
        """The panels with `domain` highlighted, as an <img> tag with its text alternative."""
        described, marks = [], []
        for position, xs, est, low, high, indicative, origin, title in self.panels:
            i = position.get(domain)
            if i is None:
                marks.append(_text(origin + self.LEFT + 3, self.PLOT_TOP + 8, "niet getoond:",
                                   size=6.5, colour=ROTTERDAM_GREEN))
                marks.append(_text(origin + self.LEFT + 3, self.PLOT_TOP + 16,
                                   "te weinig respondenten", size=6.5, colour=ROTTERDAM_GREEN))
                described.append(f"{title}: niet getoond, te weinig respondenten")
                continue
            if np.isfinite(low[i]) and np.isfinite(high[i]):
                marks.append(_segments([(xs[i], low[i], xs[i], high[i])], ROTTERDAM_GREEN, 2.2))
            marks.append(_dots([xs[i]], [est[i]], 3, ROTTERDAM_GREEN, hollow=bool(indicative[i]),
                               stroke_width=1.4))
            marks.append(_text(origin + self.LEFT + 3, self.PLOT_TOP + 6,
                               f"{i + 1}e van {len(xs)}", size=6.5, colour=ROTTERDAM_GREEN))
            if indicative[i]:
                marks.append(_text(origin + self.LEFT + 3, self.PLOT_TOP + 14, "indicatief",
                                   size=6.5, colour=ROTTERDAM_GREEN))
            described.append(f"{title}: {i + 1}e van {len(xs)}"
                             + (" (indicatief, open rondje)" if indicative[i] else ""))
        if self.trend:
            editions, values, x, y, title = self.trend
            own = values.get(domain, [])
            known = [(x(e), y(v)) for e, v in zip(editions, own) if v is not None and not np.isnan(v)]
            marks.append(_polyline(known, ROTTERDAM_GREEN, 1.5))
            marks.append(_dots([p[0] for p in known], [p[1] for p in known], 2.4, ROTTERDAM_GREEN))
            shown = [f"{e}: {v:.0f}" for e, v in zip(editions, own) if v is not None and not np.isnan(v)]
            described.append(f"{title}: " + (", ".join(shown) if shown else "geen score"))
        alt = ("Plaats tussen alle gebieden of wijken (rang van laag naar hoog): "
               + "; ".join(described))
        chart = _document(self.chart_id, self.width, self.height, "Plaats en verloop", alt,
                          [self.background, *marks])
        return svg.image_tag(chart, alt)


def _polyline(points, colour, width, dash="") -> str:
    if len(points) < 2:
        return ""
    d = "M" + "L".join(f"{F(a)},{F(b)}" for a, b in points)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{F(width)}"{dashed}/>'


def trend(tables, title: str, chart_id: str = "trend") -> str:
    """Estimates with 95% CI per edition, one line per indicator (all proportions, in %),
    the legend under the plot. `tables`: list of (label, frame with edition, estimate, ci_low,
    ci_high). Returns an <img> tag whose alt gives every value."""
    width, left, right, top, plot_height = 600, 40, 20, 26, 150
    editions = sorted({int(e) for _, frame in tables for e in frame["edition"]})
    series = []
    for (label, frame), colour in zip(tables, TREND_COLOURS):
        frame = frame.sort_values("edition")
        series.append((label, colour, frame["edition"].astype(int).to_numpy(),
                       *(frame[c].to_numpy(dtype=float) * 100 for c in ("estimate", "ci_low", "ci_high"))))
    lo, hi = _value_range(*[s[4] for s in series], *[s[5] for s in series], *[s[3] for s in series])
    values = svg.ticks(max(lo, 0.0), hi, 5)
    y = svg.Scale(values[0], values[-1], top + plot_height, top)
    first, last = (editions[0], editions[-1]) if editions else (0, 1)
    x = svg.Scale(first - 0.8, last + 0.8, left, width - right)
    plot_bottom = top + plot_height
    body = [_text(0, 13, title, size=10, bold=True)]
    body.append(_segments([(left, y(v), width - right, y(v)) for v in values], GRID, 0.6))
    body.append("".join(_text(left - 4, y(v) + 3, _tick_label(v), size=8, anchor="end", colour=GREY)
                        for v in values))
    body.append(_text(4, top - 4, "%", size=8, colour=GREY))
    body.append("".join(_text(x(e), plot_bottom + 13, e, size=8, anchor="middle", colour=GREY)
                        for e in editions))
    legend_y = plot_bottom + 32
    described = []
    for number, (label, colour, eds, est, low, high) in enumerate(series):
        ok = np.isfinite(est)
        points = [(x(e), y(v)) for e, v in zip(eds[ok], est[ok])]
        body.append(_polyline(points, colour, 1.2))
        body.append(_segments([(x(e), y(a), x(e), y(b)) for e, a, b in zip(eds, low, high)
                               if np.isfinite(a) and np.isfinite(b)], colour, 0.9))
        body.append(_segments([(x(e) - 3, y(v), x(e) + 3, y(v)) for e, a, b in zip(eds, low, high)
                               for v in (a, b) if np.isfinite(a) and np.isfinite(b)], colour, 0.9))
        body.append(_dots([p[0] for p in points], [p[1] for p in points], 2.4, colour))
        row_y = legend_y + 14 * number
        body.append(_segments([(left, row_y - 3, left + 18, row_y - 3)], colour, 1.2))
        body.append(_dots([left + 9], [row_y - 3], 2.4, colour))
        body.append(_text(left + 24, row_y, label, size=8))
        described.append(f"{label}: " + ", ".join(
            f"{e} {_number(v / 100, True)} ({_number(a / 100, True)} tot {_number(b / 100, True)})"
            for e, v, a, b in zip(eds, est, low, high) if np.isfinite(v)))
    height = legend_y + 14 * max(len(series), 1)
    description = "; ".join(described) + "."
    chart = _document(chart_id, width, height, title, description, body)
    return svg.image_tag(chart, f"{title}. {description}")


def weight_distribution(weights, title: str, chart_id: str = "weights") -> str:
    """Histogram of the final weights (log scale on x), a check on extreme weights; an inline
    SVG with its title and description."""
    positive = np.asarray(weights, dtype=float)
    positive = positive[positive > 0]
    width, left, right, top, plot_height = 520, 48, 14, 26, 120
    plot_bottom = top + plot_height
    low, high = np.log10(positive.min()), np.log10(positive.max()) + 1e-9
    edges = np.linspace(low, high, 41)
    counts, _ = np.histogram(np.log10(positive), bins=edges)
    x = svg.Scale(low, high, left, width - right)
    y_ticks = svg.ticks(0, max(int(counts.max()), 1), 4)
    y = svg.Scale(0, y_ticks[-1], plot_bottom, top)
    body = [_text(0, 13, title, size=10, bold=True)]
    body.append(_segments([(left, y(v), width - right, y(v)) for v in y_ticks], GRID, 0.6))
    body.append("".join(_text(left - 4, y(v) + 3, f"{v:g}", size=8, anchor="end", colour=GREY)
                        for v in y_ticks))
    bars = "".join(f"M{F(x(a))},{F(plot_bottom)}V{F(y(c))}H{F(x(b))}V{F(plot_bottom)}Z"
                   for a, b, c in zip(edges[:-1], edges[1:], counts) if c > 0)
    body.append(f'<path d="{bars}" fill="{ROTTERDAM_GREEN}"/>')
    body.append(_segments([(left, plot_bottom, width - right, plot_bottom)], GREY, 0.6))
    decades = [10.0 ** p for p in range(int(np.floor(low)), int(np.ceil(high)) + 1)]
    marks = [m * d for d in decades for m in (1, 2, 5) if low <= np.log10(m * d) <= high]
    body.append("".join(_text(x(np.log10(m)), plot_bottom + 12, f"{m:g}", size=8, anchor="middle",
                              colour=GREY) for m in marks))
    body.append(_segments([(x(np.log10(m)), plot_bottom, x(np.log10(m)), plot_bottom + 3)
                           for m in marks], GREY, 0.6))
    body.append(_text((left + width - right) / 2, plot_bottom + 26, "gewicht (log-schaal)", size=8,
                      anchor="middle", colour=GREY))
    body.append(_text(0, top - 6, "respondenten", size=8, colour=GREY))
    quartiles = np.percentile(positive, [0, 25, 50, 75, 100])
    low_w, q1, median, q3, high_w = (_number(q, False) for q in quartiles)
    description = (f"{positive.size} respondenten; gewichten van {low_w} tot {high_w}, "
                   f"mediaan {median}, kwartielen {q1} en {q3}.")
    return str(_document(chart_id, width, plot_bottom + 34, title, description, body, aria=True))


def index_series(lines, band_limits, breaks, title: str, chart_id: str = "index-series") -> str:
    """Rotterdam's indices over the editions, each point labelled with its score, the band
    limits dotted and a dashed red line per definition change (just before the edition from
    which the new definition holds), the legend under the plot; an inline SVG with its title
    and a description that gives every score and break.

    `lines`: [(name, editions, values)]; `band_limits`: scores; `breaks`: [(edition, label)]."""
    width, left, right, top, plot_height = 620, 44, 16, 30, 170
    colours = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")
    editions = sorted({int(e) for _, eds, _ in lines for e in eds} | {e for e, _ in breaks})
    every = [float(v) for _, _, values in lines for v in values if np.isfinite(v)]
    lo, hi = _value_range(every, pad=0.08) if every else (80.0, 120.0)
    values = svg.ticks(lo, hi, 5)
    y = svg.Scale(values[0], values[-1], top + plot_height, top)
    first, last = (editions[0], editions[-1]) if editions else (0, 1)
    x = svg.Scale(first - 1, last + 0.5, left, width - right)
    plot_bottom = top + plot_height
    body = [_segments([(left, y(v), width - right, y(v)) for v in values], GRID, 0.6)]
    body.append("".join(_text(left - 4, y(v) + 3, _tick_label(v), size=8, anchor="end", colour=GREY)
                        for v in values))
    body.append(_segments([(left, y(b), width - right, y(b)) for b in band_limits
                           if values[0] <= b <= values[-1]], "#bbbbbb", 0.6, "1 2"))
    body.append(_text(0, 12, "score (100 = Rotterdam 2014)", size=8, colour=GREY))
    body.append("".join(_text(x(e), plot_bottom + 13, e, size=8, anchor="middle", colour=GREY)
                        for e in sorted({int(e) for _, eds, _ in lines for e in eds})))
    for number, (edition, label) in enumerate(breaks):
        body.append(_segments([(x(edition - 1), top - 2, x(edition - 1), plot_bottom)], "#a00000", 1, "4 3"))
        body.append(_text(x(edition - 1), top - 6 - 9 * (number % 2), label, size=7, anchor="middle",
                          colour="#a00000"))
    offsets = (-7, 13, -15, 21, -23)
    legend_y = plot_bottom + 32
    described = []
    for number, ((name, eds, vals), colour) in enumerate(zip(lines, colours)):
        vals = np.asarray(vals, dtype=float)
        eds = np.asarray(eds, dtype=int)
        ok = np.isfinite(vals)
        points = [(x(e), y(v)) for e, v in zip(eds[ok], vals[ok])]
        body.append(_polyline(points, colour, 1.5))
        body.append(_dots([p[0] for p in points], [p[1] for p in points], 2.6, colour))
        body.append("".join(_text(px, py + offsets[number % len(offsets)], f"{v:.0f}", size=7,
                                  anchor="middle") for (px, py), v in zip(points, vals[ok])))
        row_y = legend_y + 14 * number
        body.append(_segments([(left, row_y - 3, left + 18, row_y - 3)], colour, 1.5))
        body.append(_dots([left + 9], [row_y - 3], 2.6, colour))
        body.append(_text(left + 24, row_y, name, size=8))
        described.append(f"{name}: " + ", ".join(f"{e} {v:.0f}" for e, v in zip(eds[ok], vals[ok])))
    description = "; ".join(described) + "." + (
        " Breuken: " + ", ".join(label for _, label in breaks) + "." if breaks else "")
    height = legend_y + 14 * max(len(lines), 1)
    return str(_document(chart_id, width, height, title, description, body, aria=True))
