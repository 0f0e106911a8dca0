"""The dashboard's chart: cumulative completes per day as inline SVG, built on the server so
it shows without JavaScript (and under a Content-Security-Policy that allows none). Colours
come from presentation attributes, not `style`, which the policy would refuse."""

from datetime import date, timedelta

from markupsafe import Markup, escape

COLOURS = {"all": "#00811f", "web": "#0b71a1", "paper": "#e16600", "phone": "#7a3e9d",
           "onbekend": "#6b6b6b"}
LABELS = {"all": "Totaal", "web": "Web", "paper": "Papier", "phone": "Telefoon",
          "onbekend": "Onbekend"}
MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def nice_step(maximum: float, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` gridlines.

    >>> nice_step(29820), nice_step(7), nice_step(0)
    (5000, 1, 1)
    """
    if maximum <= 0:
        return 1
    power = 10 ** max(0, len(str(int(maximum / ticks))) - 1)
    for factor in (1, 2, 5, 10):
        if maximum / (factor * power) <= ticks + 2:
            return factor * power
    return 10 * power


LABEL_SPACE = 72
"""Pixels a time-axis label needs ("sep 2023" at 12 px is about 52) plus a gap."""


def axis_ticks(first: date, last: date, plot_width: float) -> list[tuple[date, str]]:
    """The days the time axis labels, at least LABEL_SPACE pixels apart so no two labels
    overlap: every day, 2 days or week (labelled "4 mrt") for a short span, else every 1, 2,
    3, 6 or 12 months (labelled "sep 2023").

    >>> [label for _, label in axis_ticks(date(2023, 3, 1), date(2023, 3, 20), 700)][:3]
    ['1 mrt', '3 mrt', '5 mrt']
    >>> len(axis_ticks(date(2022, 1, 1), date(2024, 12, 31), 700)) <= 700 // LABEL_SPACE
    True
    """
    span = max((last - first).days, 1)
    per_day = plot_width / span
    if span <= 45:
        step = next((s for s in (1, 2, 7, 14) if s * per_day >= LABEL_SPACE), 28)
        return [(first + timedelta(days=d), f"{(first + timedelta(days=d)).day} "
                 f"{MONTHS[(first + timedelta(days=d)).month - 1]}")
                for d in range(0, span + 1, step)
                if (span - d) * per_day >= LABEL_SPACE / 2 or d == 0]
    months = next((m for m in (1, 2, 3, 6, 12) if m * 30.4 * per_day >= LABEL_SPACE), 24)
    ticks = []
    month = date(first.year, first.month, 1)
    while month <= last:
        if month >= first and (month.month - 1) % months == 0:
            ticks.append((month, f"{MONTHS[month.month - 1]} {month.year}"))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return ticks


def cumulative_svg(series: dict, *, target: int | None = None, start: date | None = None,
                   end: date | None = None, width: int = 900, height: int = 320) -> Markup:
    """An SVG line chart of cumulative completes.

    Args:
        series: mode -> [(day, cumulative count)], as from `dashboard.cumulative_series`.
        target: a horizontal line for the total target, if given.
        start, end: the days the x axis spans (default: those in the data).
    Returns:
        Markup with an <svg> element; a short text when there is nothing to draw.
    """
    days = [day for points in series.values() for day, _ in points]
    if not days:
        return Markup('<p class="chart-empty">Nog geen voltooide vragenlijsten.</p>')
    first, last = min(days + ([start] if start else [])), max(days + ([end] if end else []))
    if last == first:
        last = first + timedelta(days=1)
    top = max([n for points in series.values() for _, n in points] + [target or 0])
    step = nice_step(top)
    y_max = step * (-(-top // step)) or 1
    left, right, upper, lower = 64, 130, 16, 36
    plot_w, plot_h = width - left - right, height - upper - lower
    span = (last - first).days

    def x(day):
        return left + plot_w * (day - first).days / span

    def y(value):
        return upper + plot_h * (1 - value / y_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart-title chart-desc">',
        '<title id="chart-title">Cumulatief aantal voltooide vragenlijsten per dag</title>',
        f'<desc id="chart-desc">Van {first.isoformat()} tot {last.isoformat()}; totaal '
        f'{series.get("all", [(None, 0)])[-1][1]} voltooid'
        + (f", doel {target}" if target else "") + ".</desc>",
    ]
    for value in range(0, int(y_max) + 1, step):
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     'stroke="#d8d8d8" stroke-width="1"/>')
        parts.append(f'<text x="{left - 8}" y="{y(value) + 4:.1f}" text-anchor="end" '
                     f'font-size="12" fill="#333">{value:,}</text>'.replace(",", "."))
    for tick, label in axis_ticks(first, last, plot_w):
        parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{upper}" '
                     f'y2="{upper + plot_h}" stroke="#ececec" stroke-width="1"/>')
        parts.append(f'<text x="{x(tick):.1f}" y="{height - lower + 18}" text-anchor="middle" '
                     f'font-size="12" fill="#333">{label}</text>')
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{upper + plot_h}" '
                 f'y2="{upper + plot_h}" stroke="#333" stroke-width="1"/>')
    if target:
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(target):.1f}" '
                     f'y2="{y(target):.1f}" stroke="#c8102e" stroke-width="1.5" stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{left + plot_w + 6}" y="{y(target) + 4:.1f}" font-size="12" '
                     f'fill="#c8102e">Doel {target:,}</text>'.replace(",", "."))
    legend_y = upper + 8
    for mode, points in series.items():
        colour = COLOURS.get(mode, "#444")
        # a step line: the count holds until the next day with completes
        coords, previous = [], 0
        for day, n in points:
            coords.append(f"{x(day):.1f},{y(previous):.1f}")
            coords.append(f"{x(day):.1f},{y(n):.1f}")
            previous = n
        coords.append(f"{x(last):.1f},{y(previous):.1f}")
        stroke = 3 if mode == "all" else 2
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="{stroke}" '
                     f'points="{" ".join(coords)}"/>')
        label = escape(LABELS.get(mode, mode))
        parts.append(f'<line x1="{left + plot_w + 6}" x2="{left + plot_w + 26}" y1="{legend_y + 30}" '
                     f'y2="{legend_y + 30}" stroke="{colour}" stroke-width="{stroke}"/>')
        parts.append(f'<text x="{left + plot_w + 30}" y="{legend_y + 34}" font-size="12" '
                     f'fill="#333">{label} ({previous:,})</text>'.replace(",", "."))
        legend_y += 20
    parts.append("</svg>")
    return Markup("".join(parts))
