"""Charts for the report, drawn with matplotlib and embedded as inline SVG so that the HTML
report is one self-contained file."""

import io

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402

ROTTERDAM_GREEN = "#00811f"
GREY = "#5c5c5c"


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # drop the XML prolog so it can sit inside HTML


def ranked_estimates(table, title: str, city_estimate: float | None = None,
                     percent: bool = True) -> str:
    """Horizontal dot plot of one indicator over domains, ranked, with 95% CI bars.

    `table` has columns domain, estimate, ci_low, ci_high. Returns an SVG string.
    """
    table = table.sort_values("estimate")
    scale = 100.0 if percent else 1.0
    height = max(2.5, 0.16 * len(table) + 1.0)
    figure, axes = plt.subplots(figsize=(7.5, height))
    y = range(len(table))
    axes.errorbar(
        table["estimate"] * scale, list(y),
        xerr=[(table["estimate"] - table["ci_low"]) * scale,
              (table["ci_high"] - table["estimate"]) * scale],
        fmt="o", color=ROTTERDAM_GREEN, ecolor=GREY, markersize=3, elinewidth=0.8, capsize=1.5,
    )
    if city_estimate is not None:
        axes.axvline(city_estimate * scale, color=GREY, linestyle="--", linewidth=0.8,
                     label="Rotterdam")
        axes.legend(loc="lower right", fontsize=7, frameon=False)
    axes.set_yticks(list(y), table["domain"].astype(str), fontsize=6)
    axes.set_xlabel("%" if percent else "", fontsize=8)
    axes.set_title(title, fontsize=9, loc="left")
    axes.tick_params(axis="x", labelsize=7)
    axes.grid(axis="x", linewidth=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def weight_distribution(weights, title: str) -> str:
    """Histogram of the final weights (log scale on x), a check on extreme weights."""
    import numpy as np

    figure, axes = plt.subplots(figsize=(6.5, 2.6))
    positive = np.asarray(weights, dtype=float)
    positive = positive[positive > 0]
    bins = np.logspace(np.log10(positive.min()), np.log10(positive.max()), 40)
    axes.hist(positive, bins=bins, color=ROTTERDAM_GREEN)
    axes.set_xscale("log")
    axes.set_xlabel("gewicht (log-schaal)", fontsize=8)
    axes.set_ylabel("respondenten", fontsize=8)
    axes.set_title(title, fontsize=9, loc="left")
    axes.tick_params(labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)
