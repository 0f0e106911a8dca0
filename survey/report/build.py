"""Render the statistician's report: one self-contained HTML file plus its tables as CSV.

Input is already estimated (see `survey.report.indicators`); this module only formats.
"""

from datetime import datetime
from pathlib import Path

import jinja2
import pandas as pd

from survey.report import charts

HEADLINE_INDICATORS = ("onveilig_eigen_buurt", "tevreden_buurt", "rapportcijfer_buurt")
WIJK_COLUMNS_MAX = 6

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("survey.report", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)


def _format(value, kind, digits=1):
    if pd.isna(value):
        return "–"
    if kind == "proportion":
        return f"{100 * value:.{digits}f}%".replace(".", ",")
    return f"{value:.{digits}f}".replace(".", ",")


def _interval(row):
    if pd.isna(row.ci_low) or pd.isna(row.ci_high):
        return "–"
    return f"{_format(row.ci_low, row.kind)} – {_format(row.ci_high, row.kind)}"


def _questionnaires(names):
    return "beide" if "+" in names else names


def _rows(table):
    for row in table.itertuples():
        yield {
            "label": row.label, "questionnaire": _questionnaires(row.questionnaire), "domain": row.domain,
            "estimate": _format(row.estimate, row.kind), "ci": _interval(row),
            "unweighted": _format(row.unweighted, row.kind), "n": f"{int(row.n):,}".replace(",", "."),
            "deff": _format(row.deff, "mean", 2),
        }


def _headline(indicators):
    present = [i for i in HEADLINE_INDICATORS if i in set(indicators["indicator"])]
    extra = [i for i in indicators["indicator"].drop_duplicates() if i not in present]
    return (present + extra)[:WIJK_COLUMNS_MAX]


def write_report(out_dir: Path, *, title: str, edition: int, indicators: pd.DataFrame,
                 weights: dict[str, pd.Series], weight_summary: pd.DataFrame,
                 fieldwork: dict, method: list[str], areas: pd.DataFrame) -> Path:
    """Write `index.html` and `indicators.csv` into `out_dir`; return the HTML path.

    `indicators` has one row per indicator and domain with columns questionnaire, indicator,
    label, kind, level (stad|gebied|wijk), domain, estimate, se, ci_low, ci_high, n, deff,
    unweighted. `areas` maps wijk to gebied (columns wijk, gebied).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    indicators.to_csv(out_dir / "indicators.csv", index=False)

    city = indicators[indicators["level"] == "stad"]
    headline = _headline(indicators)
    by_indicator = {name: group for name, group in indicators.groupby("indicator", sort=False)}

    headline_charts = []
    for name in headline[:2]:
        table = by_indicator[name]
        wijken = table[table["level"] == "wijk"]
        city_value = table.loc[table["level"] == "stad", "estimate"]
        headline_charts.append(charts.ranked_estimates(
            wijken, f"{wijken['label'].iloc[0]}, per wijk (95%-interval)",
            city_estimate=city_value.iloc[0] if len(city_value) else None,
            percent=wijken["kind"].iloc[0] == "proportion"))

    gebied_tables = []
    for name in headline:
        table = by_indicator[name]
        gebied_tables.append({"label": table["label"].iloc[0],
                              "rows": list(_rows(table[table["level"] == "gebied"]))})

    wijk_table = indicators[(indicators["level"] == "wijk") & indicators["indicator"].isin(headline)]
    cells = {(row.indicator, row.domain): _format(row.estimate, row.kind)
             for row in wijk_table.itertuples()}
    respondents = wijk_table.groupby("domain")["n"].max()
    wijk_rows = [{"wijk": wijk, "gebied": gebied, "n": int(respondents.get(wijk, 0)),
                  "cells": [cells.get((name, wijk), "–") for name in headline]}
                 for wijk, gebied in areas[["wijk", "gebied"]].itertuples(index=False)]

    weight_rows = [{
        "questionnaire": row.questionnaire, "n": int(row.n),
        "w_min": _format(row.weight_min, "mean"), "w_max": _format(row.weight_max, "mean"),
        "g_min": _format(row.g_min, "mean", 2), "g_max": _format(row.g_max, "mean", 2),
        "deff": _format(row.deff_kish, "mean", 2), "n_eff": f"{row.n_effective:,.0f}".replace(",", "."),
    } for row in weight_summary.itertuples()]

    html = _environment.get_template("report.html").render(
        title=title, edition=edition, generated_at=datetime.now().strftime("%d-%m-%Y %H:%M"),
        n_respondents=f"{fieldwork['completed_count']:,}".replace(",", "."),
        n_wijken=areas["wijk"].nunique(), n_gebieden=areas["gebied"].nunique(),
        fieldwork=fieldwork, city_rows=list(_rows(city)), headline_charts=headline_charts,
        gebied_tables=gebied_tables, wijk_columns=[by_indicator[n]["label"].iloc[0] for n in headline],
        wijk_rows=wijk_rows, weight_rows=weight_rows, method=method,
        weight_charts=[charts.weight_distribution(w, f"Verdeling van de gewichten: {q}")
                       for q, w in weights.items()],
    )
    path = out_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
