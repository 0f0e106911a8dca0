"""Charts of the public site as SVG files: small, drawn as text (no plotting library, so 172
pages take milliseconds), readable at 320 px, and accessible: the page shows each as an image
whose text alternative names every number (and the SVG itself has a title and description),
and puts the same numbers in a table beside it; a text browser shows the alternative. Colour is never the only cue: the area's own marks are
solid and labelled, Rotterdam's dashed, and every bar carries its value as text. Estimates the
small-cell rule marks indicative are drawn hollow, and say so in text; unpublished ones are
not drawn.
"""

from markupsafe import escape

from survey import svg
from survey.svg import Chart

WIDTH = 340
FONT = 12
INK, MUTED, HIGHLIGHT, REFERENCE = "#1b1b1b", "#595959", "#00643c", "#595959"
BOLD = ' font-weight="bold"'
BAND_FILL = {"ver-onder": "#f2c200", "onder": "#fbe68c", "rond": "#cfe8c8",
             "boven": "#7cc16a", "ver-boven": "#3d8c40", None: "#e6e6e6"}


def _svg(chart_id: str, height: int, title: str, description: str, body: list[str]) -> Chart:
    return svg.document(chart_id, WIDTH, height, title, description, body, font_size=FONT,
                        font_family="system-ui, DejaVu Sans, sans-serif")


def score_bars(chart_id: str, title: str, description: str, groups: list) -> Chart:
    """Horizontal bars of index scores on the 2014 scale, a line at 100 (Rotterdam 2014).

    `groups`: [(group label, [(bar label, value, band key, value text, own area?)])]; a bar
    with a missing value shows its text ("–") and no bar.
    """
    # each bar's label on its own line above the bar, so that long names fit at 320 px
    left, top, bar_height, gap = 6, 22, 14, 4
    lowest, highest = 0, 160
    plot = WIDTH - left - 40
    body, y = [], top

    def x_of(value):
        value = max(lowest, min(highest, value))
        return left + plot * (value - lowest) / (highest - lowest)

    for group_label, bars in groups:
        body.append(f'<text x="0" y="{y + 11}" font-weight="bold" fill="{INK}">'
                    f'{escape(group_label)}</text>')
        y += 18
        for label, value, band_key, text, own in bars:
            body.append(f'<text x="{left}" y="{y + 10}" fill="{INK}"'
                        f'{BOLD if own else ""}>{escape(label)}</text>')
            y += 13
            if value is not None and value == value:
                end = x_of(value)
                body.append(f'<rect x="{left}" y="{y}" width="{end - left:.1f}" '
                            f'height="{bar_height}" fill="{BAND_FILL.get(band_key, "#e6e6e6")}" '
                            f'stroke="{INK}" stroke-width="{1.5 if own else 0.75}"/>')
                body.append(f'<text x="{end + 4:.1f}" y="{y + 11}" fill="{INK}">{escape(text)}</text>')
            else:
                body.append(f'<text x="{left + 4}" y="{y + 11}" fill="{MUTED}">'
                            f'{escape(text)}</text>')
            y += bar_height + gap
        y += 6
    x100 = x_of(100)
    body.append(f'<line x1="{x100:.1f}" y1="{top - 8}" x2="{x100:.1f}" y2="{y}" '
                f'stroke="{REFERENCE}" stroke-dasharray="4 3"/>')
    body.append(f'<text x="{x100:.1f}" y="{top - 10}" text-anchor="middle" fill="{MUTED}">100</text>')
    return _svg(chart_id, y + 4, title, description, body)


def score_lines(chart_id: str, title: str, description: str, editions: list,
                lines: list) -> Chart:
    """Scores over editions: `lines` = [(label, {edition: value}, own area?)]; the own area's
    line solid with round marks, the others dashed with square marks; each point labelled when
    there are few editions."""
    left, right, top = 34, 24, 16
    # the legend wraps onto as many rows as its labels need
    legend_rows, x = 1, left
    for label, _points, _own in lines:
        item = 24 + 7 * len(label) + 10
        if x + item > WIDTH and x > left:
            legend_rows, x = legend_rows + 1, left
        x += item
    bottom = 26 + 16 * legend_rows
    plot_h = 144
    height = top + plot_h + bottom
    plot_w = WIDTH - left - right
    values = [v for _, points, _ in lines for v in points.values() if v == v]
    low = min([80, *values]) // 10 * 10
    high = -(-max([120, *values]) // 10) * 10
    editions = sorted(editions)
    span = max(editions[-1] - editions[0], 1)

    def x_of(edition):
        if len(editions) == 1:
            return left + plot_w / 2
        return left + plot_w * (edition - editions[0]) / span

    def y_of(value):
        return top + plot_h * (high - value) / (high - low)

    body = []
    for tick in range(int(low), int(high) + 1, 20):
        body.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y_of(tick):.1f}" '
                    f'y2="{y_of(tick):.1f}" stroke="#d0d0d0"/>'
                    f'<text x="{left - 4}" y="{y_of(tick) + 4:.1f}" text-anchor="end" '
                    f'fill="{MUTED}">{tick}</text>')
    for edition in editions:
        body.append(f'<text x="{x_of(edition):.1f}" y="{height - bottom + 16}" '
                    f'text-anchor="middle" fill="{MUTED}">{edition}</text>')
    legend_y = top + plot_h + 40
    legend_x = left
    for number, (label, points, own) in enumerate(lines):
        if legend_x + 24 + 7 * len(label) + 10 > WIDTH and legend_x > left:
            legend_x, legend_y = left, legend_y + 16
        colour = HIGHLIGHT if own else MUTED
        dash = "" if own else ' stroke-dasharray="5 3"'
        known = [(e, points[e]) for e in editions if e in points and points[e] == points[e]]
        if len(known) > 1:
            path = " ".join(f"{'M' if i == 0 else 'L'}{x_of(e):.1f},{y_of(v):.1f}"
                            for i, (e, v) in enumerate(known))
            body.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for edition, value in known:
            cx, cy = x_of(edition), y_of(value)
            if own:
                body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}"/>')
            else:
                body.append(f'<rect x="{cx - 3.5:.1f}" y="{cy - 3.5:.1f}" width="7" height="7" '
                            f'fill="{colour}"/>')
            if own and len(editions) <= 6:
                body.append(f'<text x="{cx:.1f}" y="{cy - 8:.1f}" text-anchor="middle" '
                            f'fill="{INK}" font-weight="bold">{value:.0f}</text>')
        marker = (f'<circle cx="{legend_x + 6}" cy="{legend_y - 4}" r="4" fill="{colour}"/>' if own
                  else f'<rect x="{legend_x + 2.5}" y="{legend_y - 7.5}" width="7" height="7" '
                       f'fill="{colour}"/>')
        body.append(f'<line x1="{legend_x - 4}" x2="{legend_x + 16}" y1="{legend_y - 4}" '
                    f'y2="{legend_y - 4}" stroke="{colour}" stroke-width="2"{dash}/>' + marker)
        body.append(f'<text x="{legend_x + 20}" y="{legend_y}" fill="{INK}">{escape(label)}</text>')
        legend_x += 24 + 7 * len(label) + 10
    return _svg(chart_id, height, title, description, body)


def intervals(chart_id: str, title: str, description: str, rows: list, *, percent: bool,
              scale_max: float, indicative_note: str = "") -> Chart:
    """Estimates with their 95% interval: `rows` = [(label, estimate, low, high, value text,
    own area?, indicative?)], values on 0..`scale_max` (shares as 0-1 when `percent`).

    The small-cell rule: a row without estimate (not published) shows only its text; an
    indicative estimate (few respondents) is drawn hollow with a dashed interval, and
    `indicative_note` (e.g. "open = indicatief") is written under the chart when any is."""
    label_width, top, row_height = 118, 26, 24
    plot = WIDTH - label_width - 16
    any_indicative = any(row[6] for row in rows if len(row) > 6) and bool(indicative_note)
    height = top + row_height * len(rows) + 8 + (18 if any_indicative else 0)

    def x_of(value):
        return label_width + plot * max(0.0, min(scale_max, value)) / scale_max

    body = []
    for tick in range(0, 5):
        value = scale_max * tick / 4
        text = f"{100 * value:.0f}%" if percent else f"{value:g}"
        body.append(f'<line x1="{x_of(value):.1f}" x2="{x_of(value):.1f}" y1="{top - 6}" '
                    f'y2="{top + row_height * len(rows) + 2}" stroke="#d0d0d0"/>'
                    f'<text x="{x_of(value):.1f}" y="{top - 10}" text-anchor="middle" '
                    f'fill="{MUTED}">{escape(text)}</text>')
    y = top
    for label, value, low, high, text, own, *rest in rows:
        hollow = bool(rest and rest[0])
        colour = HIGHLIGHT if own else MUTED
        dashed = ' stroke-dasharray="3 2"' if hollow else ""
        fill = "#ffffff" if hollow else colour
        body.append(f'<text x="6" y="{y + 10}" fill="{INK}"'
                    f'{BOLD if own else ""}>{escape(label)}</text>')
        if value == value and value is not None:
            if low == low and high == high and low is not None and high is not None:
                body.append(f'<line x1="{x_of(low):.1f}" x2="{x_of(high):.1f}" y1="{y + 6}" '
                            f'y2="{y + 6}" stroke="{colour}" stroke-width="2"{dashed}/>'
                            f'<line x1="{x_of(low):.1f}" x2="{x_of(low):.1f}" y1="{y + 1}" '
                            f'y2="{y + 11}" stroke="{colour}" stroke-width="2"/>'
                            f'<line x1="{x_of(high):.1f}" x2="{x_of(high):.1f}" y1="{y + 1}" '
                            f'y2="{y + 11}" stroke="{colour}" stroke-width="2"/>')
            if own:
                body.append(f'<circle cx="{x_of(value):.1f}" cy="{y + 6}" r="5" fill="{fill}" '
                            f'stroke="{colour}" stroke-width="2"/>')
            else:
                body.append(f'<rect x="{x_of(value) - 4:.1f}" y="{y + 2}" width="8" height="8" '
                            f'fill="{fill}" stroke="{colour}" stroke-width="1.5"/>')
            body.append(f'<text x="{x_of(value):.1f}" y="{y + 22}" text-anchor="middle" '
                        f'fill="{INK}" font-size="10">{escape(text)}</text>')
        else:
            body.append(f'<text x="{label_width + 4}" y="{y + 10}" fill="{MUTED}">'
                        f'{escape(text)}</text>')
        y += row_height
    if any_indicative:
        body.append(f'<text x="6" y="{y + 12}" fill="{INK}">{escape(indicative_note)}</text>')
    return _svg(chart_id, height, title, description, body)
