"""Charts for the report, drawn with matplotlib and embedded in the HTML as data URIs (SVG for
the city charts; PNG for the many small per-area charts, which renders and prints several
times faster), so the report stays one self-contained file."""

import base64
import html
import io

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

ROTTERDAM_GREEN = "#00811f"
GREY = "#5c5c5c"
LIGHT = "#b8b8b8"
PREVIOUS = "#8c6bb1"
AREA_DPI = 130

plt.rcParams.update({"font.family": "DejaVu Sans"})


def _svg(figure, inline: bool = False) -> str:
    """The figure as SVG: by default an <img> with an SVG data URI, outside the HTML tree, so
    the PDF renderer does not style every glyph and tick of a large chart as a page element;
    `inline` puts a small chart's <svg> in the page itself."""
    buffer = io.BytesIO()
    # text stays <text> in DejaVu Sans (the page's font) instead of one path per glyph:
    # smaller files, selectable text, and far less for the PDF renderer to draw
    with plt.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    if inline:
        text = svg.decode("utf-8")
        return text[text.index("<svg"):]  # drop the XML prolog so it can sit inside HTML
    data = base64.b64encode(svg).decode("ascii")
    return f'<img alt="" src="data:image/svg+xml;base64,{data}">'


def _scale(percent):
    return 100.0 if percent else 1.0


def ranked_estimates(table, title: str, city_estimate: float | None = None,
                     percent: bool = True) -> str:
    """Horizontal dot plot of one indicator over domains, ranked, with 95% CI bars.

    `table` has columns domain, estimate, ci_low, ci_high. Returns an <img> tag (SVG).
    """
    # the publication rule: unpublished estimates (small cells) are not drawn; indicative
    # ones (few respondents) are drawn hollow
    table = table[table["estimate"].notna()].sort_values("estimate").reset_index(drop=True)
    scale = _scale(percent)
    height = max(2.5, 0.16 * len(table) + 1.0)
    figure, axes = plt.subplots(figsize=(7.5, height))
    indicative = (table["indicative"].fillna(False).astype(bool) if "indicative" in table
                  else np.zeros(len(table), dtype=bool))
    for hollow, part in ((False, ~indicative), (True, indicative)):
        rows = table[np.asarray(part)]
        if rows.empty:
            continue
        axes.errorbar(
            rows["estimate"] * scale, rows.index.to_list(),
            xerr=[(rows["estimate"] - rows["ci_low"]) * scale,
                  (rows["ci_high"] - rows["estimate"]) * scale],
            fmt="o", color=ROTTERDAM_GREEN, ecolor=GREY, markersize=3, elinewidth=0.8, capsize=1.5,
            markerfacecolor="white" if hollow else ROTTERDAM_GREEN,
            label="indicatief (weinig respondenten)" if hollow else None,
        )
    y = range(len(table))
    if city_estimate is not None:
        axes.axvline(city_estimate * scale, color=GREY, linestyle="--", linewidth=0.8,
                     label="Rotterdam")
    if city_estimate is not None or indicative.any():
        axes.legend(loc="lower right", fontsize=7, frameon=False)
    axes.set_yticks(list(y), table["domain"].astype(str), fontsize=6)
    axes.set_xlabel("%" if percent else "", fontsize=8)
    axes.set_title(title, fontsize=9, loc="left")
    axes.tick_params(axis="x", labelsize=7)
    axes.grid(axis="x", linewidth=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def _wrap(title: str, width: int = 30) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(title, width)[:3])


class AreaPanels:
    """Small multiples for the area pages of one level (gebied or wijk): for each key indicator
    all domains ranked (x = rank) with vertical 95% CI bars, Rotterdam dashed, and the page's
    own area in green; then the area's trend over editions. Drawn once per level; each page
    only moves the green marks and redraws (PNG), which keeps 85 pages to seconds. The
    small-cell rule: unpublished estimates are not drawn, indicative ones are drawn hollow
    (the image's text alternative and the page's note say so).

    `panels`: list of (table with domain, estimate, ci_low, ci_high; title; Rotterdam
    estimate; percent). `trend`: (editions, {domain: values}, Rotterdam values, title) or None.

    The page's own marks are animated artists blitted onto the background drawn once per
    level: 0.1 s per page instead of 0.5 s under profiling, the same picture.
    """

    def __init__(self, panels, trend=None):
        count = len(panels) + (1 if trend else 0)
        self.figure, axes = plt.subplots(1, count, figsize=(1.9 * count, 2.05))
        axes = np.atleast_1d(axes)
        self.panels = []
        self.overlay = []
        for ax, (table, title, city, percent) in zip(axes, panels):
            # unpublished estimates (the small-cell rule) are not drawn; that area gets no mark
            table = table[table["estimate"].notna()].sort_values("estimate").reset_index(drop=True)
            scale = _scale(percent)
            x = np.arange(1, len(table) + 1)
            est, low, high = (table[c].to_numpy() * scale for c in ("estimate", "ci_low", "ci_high"))
            # indicative estimates (few respondents, the small-cell rule) are drawn hollow
            indicative = (table["indicative"].fillna(False).astype(bool).to_numpy()
                          if "indicative" in table else np.zeros(len(table), dtype=bool))
            ax.vlines(x, low, high, color=LIGHT, linewidth=0.8)
            ax.plot(x[~indicative], est[~indicative], "o", color=GREY, markersize=1.8)
            ax.plot(x[indicative], est[indicative], "o", color=GREY, markersize=2.4,
                    markerfacecolor="white", markeredgewidth=0.6)
            if city is not None:
                ax.axhline(city * scale, color=GREY, linestyle="--", linewidth=0.7)
            bar, = ax.plot([np.nan, np.nan], [np.nan, np.nan], color=ROTTERDAM_GREEN, linewidth=2.2,
                           animated=True)
            dot, = ax.plot([np.nan], [np.nan], "o", color=ROTTERDAM_GREEN, markersize=4.5,
                           animated=True)
            hollow, = ax.plot([np.nan], [np.nan], "o", color=ROTTERDAM_GREEN, markersize=4.5,
                              markerfacecolor="white", markeredgewidth=1.4, animated=True)
            label = ax.text(0.02, 0.97, "", transform=ax.transAxes, fontsize=6, va="top",
                            color=ROTTERDAM_GREEN, animated=True)
            ax.set_title(_wrap(title), fontsize=6.5, loc="left")
            ax.set_xticks([1, len(table)])
            ax.tick_params(labelsize=6, length=2)
            ax.set_xlabel("rang (laag → hoog)", fontsize=6)
            if percent:
                ax.set_ylabel("%", fontsize=6)
            ax.spines[["top", "right"]].set_visible(False)
            ax.grid(axis="y", linewidth=0.25)
            position = {d: i for i, d in enumerate(table["domain"])}
            self.panels.append((position, x, est, low, high, indicative, bar, dot, hollow, label,
                                title))
            # drawn per page in the order a full draw uses (zorder): marks, spines, text
            self.overlay += [bar, dot, hollow, *self._visible_spines(ax), label]
        self.trend = None
        if trend:
            editions, values, city_values, title = trend
            ax = axes[-1]
            ax.plot(editions, city_values, "--o", color=GREY, markersize=3, linewidth=0.8,
                    label="Rotterdam")
            line, = ax.plot(editions, [np.nan] * len(editions), "-o", color=ROTTERDAM_GREEN,
                            markersize=4, linewidth=1.5, label="dit gebied / deze wijk",
                            animated=True)
            every = [v for vs in values.values() for v in vs if v is not None and not np.isnan(v)]
            every += [v for v in city_values if v is not None and not np.isnan(v)]
            if every:
                ax.set_ylim(min(every) - 5, max(every) + 5)
            ax.set_xticks(list(editions), [str(e) for e in editions])
            ax.set_xlim(min(editions) - 1, max(editions) + 1)
            ax.set_title(_wrap(title), fontsize=6.5, loc="left")
            ax.tick_params(labelsize=6, length=2)
            legend = ax.legend(fontsize=5.5, frameon=False, loc="lower left")
            ax.spines[["top", "right"]].set_visible(False)
            ax.grid(axis="y", linewidth=0.25)
            self.trend = (line, values)
            legend.set_animated(True)
            self.overlay += [line, *self._visible_spines(ax), legend]
        self.figure.tight_layout(w_pad=0.6)
        self.figure.set_dpi(AREA_DPI)  # after the layout, as savefig(dpi=...) would
        # everything but the highlighted area (the animated artists) is drawn once; each page
        # restores that background and draws only its own marks on it (blitting), instead of
        # redrawing every axis, tick and label 85 times
        self.figure.canvas.draw()
        self.background = self.figure.canvas.copy_from_bbox(self.figure.bbox)

    @staticmethod
    def _visible_spines(ax):
        """The axes' visible spines, made animated: a full draw puts them over the marks."""
        spines = [spine for spine in ax.spines.values() if spine.get_visible()]
        for spine in spines:
            spine.set_animated(True)
        return spines

    def render(self, domain) -> str:
        """The panels with `domain` highlighted, as an <img> tag."""
        described = []
        for position, x, est, low, high, indicative, bar, dot, hollow, label, title in self.panels:
            i = position.get(domain)
            dot.set_data([np.nan], [np.nan])
            hollow.set_data([np.nan], [np.nan])
            if i is None:
                bar.set_data([np.nan, np.nan], [np.nan, np.nan])
                label.set_text("niet getoond:\nte weinig respondenten")
                described.append(f"{title}: niet getoond, te weinig respondenten")
                continue
            bar.set_data([x[i], x[i]], [low[i], high[i]])
            (hollow if indicative[i] else dot).set_data([x[i]], [est[i]])
            label.set_text(f"{i + 1}e van {len(x)}" + ("\nindicatief" if indicative[i] else ""))
            described.append(f"{title}: {i + 1}e van {len(x)}"
                             + (" (indicatief, open rondje)" if indicative[i] else ""))
        if self.trend:
            line, values = self.trend
            line.set_ydata([np.nan if v is None else v for v in values.get(domain, [])]
                           or [np.nan] * len(line.get_xdata()))
        canvas = self.figure.canvas
        canvas.restore_region(self.background)
        for artist in self.overlay:
            self.figure.draw_artist(artist)
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(
            buffer, format="png", dpi=(AREA_DPI, AREA_DPI))
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        alt = html.escape("Plaats tussen alle gebieden of wijken (rang van laag naar hoog): "
                          + "; ".join(described), quote=True)
        return f'<img alt="{alt}" src="data:image/png;base64,{data}">'

    def close(self):
        plt.close(self.figure)


def trend(tables, title: str) -> str:
    """Estimates with 95% CI per edition, one line per indicator (all proportions, in %).

    `tables`: list of (label, frame with edition, estimate, ci_low, ci_high). Returns an
    <img> tag (SVG)."""
    figure, axes = plt.subplots(figsize=(7.5, 2.8))
    colours = [ROTTERDAM_GREEN, PREVIOUS, "#d95f02", "#1f78b4", GREY]
    editions = sorted({int(e) for _, frame in tables for e in frame["edition"]})
    for (label, frame), colour in zip(tables, colours):
        frame = frame.sort_values("edition")
        est = frame["estimate"].to_numpy() * 100
        axes.errorbar(frame["edition"], est,
                      yerr=[est - frame["ci_low"].to_numpy() * 100,
                            frame["ci_high"].to_numpy() * 100 - est],
                      fmt="-o", color=colour, markersize=3.5, linewidth=1.2, capsize=3,
                      label=label)
    axes.set_xticks(editions, [str(e) for e in editions])
    if editions:
        axes.set_xlim(editions[0] - 0.8, editions[-1] + 0.8)
    axes.set_ylabel("%", fontsize=8)
    axes.set_title(title, fontsize=9, loc="left")
    axes.tick_params(labelsize=7)
    axes.grid(axis="y", linewidth=0.3)
    axes.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def weight_distribution(weights, title: str) -> str:
    """Histogram of the final weights (log scale on x), a check on extreme weights."""
    figure, axes = plt.subplots(figsize=(6.5, 2.4))
    positive = np.asarray(weights, dtype=float)
    positive = positive[positive > 0]
    bins = np.logspace(np.log10(positive.min()), np.log10(positive.max()) + 1e-9, 40)
    axes.hist(positive, bins=bins, color=ROTTERDAM_GREEN)
    axes.set_xscale("log")
    axes.set_xlabel("gewicht (log-schaal)", fontsize=8)
    axes.set_ylabel("respondenten", fontsize=8)
    axes.set_title(title, fontsize=9, loc="left")
    axes.tick_params(labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, inline=True)
