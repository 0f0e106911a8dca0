"""Render the statistician's report: one self-contained HTML file (charts inline) that prints
to the PDF: summary and contents, Rotterdam, the index per area, one page per gebied and per
wijk, weighting, method.

Input is already estimated (see `survey.report.edition_report`); this module only formats.
"""

import collections
import functools
import re
from datetime import datetime
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from survey.report import charts
from survey.report.bands import band_of, load_bands, thresholds_text
from survey.report.change import OBJECTIVE_PART, SUBJECTIVE_PART
from survey.report.intervals import interval_text, whole, whole_change, whole_interval

KEY_INDICATORS = ("onveilig_eigen_buurt", "tevreden_met_buurt", "rapportcijfer_veiligheid")
HEADLINE_INDICATOR = "onveilig_eigen_buurt"  # the headline row of every area page
TREND_INDICATORS = ("onveilig_eigen_buurt", "onveilig_ooit", "tevreden_met_buurt",
                    "onveilige_plekken_in_buurt")
OTHER_AREA_INDICATORS = ("rapportcijfer_leven", "sociale_cohesie", "moeite_met_rondkomen")
THEME_NAMES = {"veiligheidsbeleving": "Veiligheidsbeleving", "diefstal": "Diefstal",
               "geweld": "Geweld", "inbraak": "Inbraak", "vandalisme": "Vandalisme",
               "overlast": "Overlast"}

SHORTER = [
    (r"^percentage inwoners slachtoffer geweest van (.*) afgelopen jaar in de eigen buurt$",
     r"slachtoffer \1 in de buurt (%)"),
    (r"^percentage inwoners slachtoffer geweest van (.*) afgelopen jaar$", r"slachtoffer \1 (%)"),
    (r" komt vaak voor als buurtprobleem( \(%\))?$", r": vaak buurtprobleem (%)"),
    (r" in de eigen buurt wordt veel als overlastgevend ervaren$", r": veel overlast (%)"),
    (r" wordt veel als overlastgevend ervaren$", r": veel overlast (%)"),
    (r"^gemiddelde score voor gepercipieerde ", "Score "),
    (r"^gemiddelde score voor ", "Score "),
    (r"^gemiddeld rapportcijfer voor (de )?", "Rapportcijfer "),
    (r" van iemandandres in het hh$", " (huisgenoot)"),
    (r"^% ", ""),
    (r" (uit )?eigen buurt afgelopen jaar als percentage van totaal aantal (auto's|fietsen)$",
     r" in de buurt per 100 \2"),
    (r", onder wie .*\(", " ("),
]

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("survey.report", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)


def _dutch(number: float, digits: int) -> str:
    return f"{number:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _format(value, kind, digits=1):
    if pd.isna(value):
        return "–"
    if kind == "proportion":
        return f"{_dutch(100 * value, digits)}%"
    # a ratio is a rate such as "per 100 cars": one decimal, like a mean
    return _dutch(value, digits if kind in ("mean", "ratio") and abs(value) < 100 else 0)


def _interval(row):
    if pd.isna(row.ci_low) or pd.isna(row.ci_high):
        return "–"
    return f"{_format(row.ci_low, row.kind)} – {_format(row.ci_high, row.kind)}"


def _change(row):
    """(text, css class) of a change: percentage points for proportions, ▲/▼ if significant."""
    value = getattr(row, "change", np.nan)
    if pd.isna(value):
        return "–", ""
    if row.kind == "proportion":
        text = f"{'+' if value >= 0 else '−'}{_dutch(abs(100 * value), 1)} pp"
    else:
        text = f"{'+' if value >= 0 else '−'}{_dutch(abs(value), 2)}"
    if not pd.isna(row.significant) and bool(row.significant):
        better = (value > 0) == (row.direction == "higher_is_better")
        return f"{text} {'▲' if value > 0 else '▼'}", "better" if better else "worse"
    return text, ""


def _count(value) -> str:
    return "–" if pd.isna(value) else _dutch(float(value), 0)


def _questionnaires(names):
    return "beide" if "+" in names else names


@functools.lru_cache(maxsize=None)
def _short_label(label: str) -> str:
    """A label short enough for one line of an area page (the full text is in the city table
    and the CSV): the 2014 export's long stock phrases abbreviated."""
    text = label
    for pattern, replacement in SHORTER:
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:]


def _suppressed(row) -> str:
    reason = getattr(row, "suppressed", "")
    return reason if isinstance(reason, str) else ""


def _estimate_text(row) -> str:
    """The estimate as published: empty with the reason when suppressed, * when indicative."""
    if _suppressed(row):
        return "–"
    text = _format(row.estimate, row.kind)
    return f"{text}*" if bool(getattr(row, "indicative", False)) else text


def _tuples(table: pd.DataFrame):
    """`table.itertuples()`, the same named tuples, with each column converted in one go
    (pandas converts the text columns value by value, which was most of the pages' time)."""
    row = collections.namedtuple("Pandas", ["Index", *map(str, table.columns)], rename=True)
    columns = [table.index.tolist()] + [table.iloc[:, k].tolist() for k in range(table.shape[1])]
    return map(row._make, zip(*columns))


def _rows(table, short=False):
    for row in _tuples(table):
        change, change_class = _change(row)
        yield {
            "label": _short_label(row.label) if short else row.label,
            "questionnaire": _questionnaires(row.questionnaire),
            "domain": row.domain, "theme": row.theme,
            "estimate": _estimate_text(row), "ci": _suppressed(row) or _interval(row),
            "suppressed": bool(_suppressed(row)),
            "unweighted": _format(row.unweighted, row.kind), "n": _count(row.n),
            "deff": _format(row.deff, "mean", 2),
            "previous": _format(getattr(row, "previous", np.nan), row.kind),
            "change": change, "change_class": change_class,
        }


def _score(value) -> str:
    return "–" if pd.isna(value) else whole(value)


def _band(value) -> str:
    """The CSS class of a score's band: the five bands of indices/bands.yaml (ver onder ... ver
    boven het Rotterdamse gemiddelde), shared with the index pages (survey.report.bands)."""
    band = band_of(None if pd.isna(value) else float(value))
    return "" if band is None else f"band-{band.id}"


def _theme_name(theme: str) -> str:
    """A theme's short name within its part: "Diefstal-objectief" -> "Diefstal"."""
    return re.sub(r"[- ](sub|ob)jectief$", "", theme).replace("Veiligheidsbeleving", "Beleving")


def _part_themes(config, part_column):
    return next(p.themes for p in config.parts if p.column == part_column)


def _by_area(table: pd.DataFrame) -> dict:
    """{(level, domain): the area's first row as a dict}."""
    rows = {}
    for row in table.to_dict("records"):
        rows.setdefault((row["level"], row["domain"]), row)
    return rows


def _score_box(scores: dict, level: str, domain: str, previous, config,
               flagged: str) -> dict | None:
    """The index, its two parts and their themes of one area, and the change of the flagged
    score; `objective` is None when the area has no register values. `scores`: the score
    table's rows by area (`_by_area`: made once for all the areas of a report)."""
    row = scores.get((level, domain))
    if row is None:
        return None

    def cell(column):
        """(score, band class, 95% interval from the index replicates or "")."""
        interval = whole_interval(row.get(f"{column} ci_low"), row.get(f"{column} ci_high"))
        return _score(row[column]), _band(row[column]), interval

    def themes(part):
        return [(_theme_name(t), *cell(t)) for t in _part_themes(config, part)]

    has_register = int(row["register_used"]) > 0
    box = {
        "index": cell(config.index_column) if has_register else None,
        "subjective": cell(SUBJECTIVE_PART), "subjective_themes": themes(SUBJECTIVE_PART),
        "objective": cell(OBJECTIVE_PART) if has_register else None,
        "objective_themes": themes(OBJECTIVE_PART) if has_register else [],
        "used": int(row["indicators_used"]), "previous": None, "flagged": flagged,
    }
    if previous is not None and f"change {flagged}" in row:
        box["previous"] = _score(row[f"{flagged} {previous}"])
        change = row[f"change {flagged}"]
        box["change"] = "–" if pd.isna(change) else whole_change(change)
        box["flag"] = bool(row["flag_5_points"])
        box["moved"] = bool(row.get("moved_5_points", box["flag"]))
        box["move_interval"] = _move_interval(row, flagged)
    return box


def _area_indicator_ids(indicators, score_labels):
    """The rows of an area page: the indicators of the subjective Veiligheidsindex (theme
    order), then a few headline indicators of the other indices."""
    first = indicators.drop_duplicates("indicator")
    vi = first[first["label"].isin(score_labels)]["indicator"].tolist()
    others = [i for i in OTHER_AREA_INDICATORS if i in set(first["indicator"])]
    return vi + others


def write_report(out_dir: Path, *, title: str, edition: int, previous: int | None,
                 indicators: pd.DataFrame, trend: pd.DataFrame, scores: pd.DataFrame,
                 weights: pd.DataFrame, weight_summary: pd.DataFrame,
                 area_weights: pd.DataFrame, fieldwork: dict, method: list, areas: pd.DataFrame,
                 files: list, config, flagged_score: str, rule=None,
                 flag_summary: pd.DataFrame | None = None) -> Path:
    """Write `index.html` into `out_dir`; return its path.

    `indicators` has one row per indicator and domain (columns of `estimate_indicators`, plus
    those of `change.indicator_change` when there is a previous edition); `trend` the
    indicators of every edition with a column `edition`; `scores` the `change.score_table`;
    `weights` one row per respondent (wijk, gebied, questionnaire_id, weight); `areas` maps
    wijk to gebied; `config` is the score configuration and `flagged_score` the score whose
    change is shown and flagged (`change.flagged_score`); `rule` the publication rule and
    `flag_summary` its count of flags per level (`survey.report.publication`).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    score_labels = set(config.indicator_columns)
    by_indicator = {name: group for name, group in indicators.groupby("indicator", sort=False)}
    key = [k for k in KEY_INDICATORS if k in by_indicator]
    editions = sorted(trend["edition"].unique().tolist())

    def published(table):
        """The rows a chart may draw: published estimates (the small-cell rule)."""
        return table[table["estimate"].notna()]

    def not_shown(table):
        hidden = len(table) - len(published(table))
        return f"; {hidden} niet getoond (te weinig respondenten)" if hidden else ""

    def city_value(name):
        table = by_indicator[name]
        value = table.loc[table["level"] == "stad", "estimate"]
        return value.iloc[0] if len(value) else None

    # ------------------------------------------------------------------ Rotterdam
    city = indicators[indicators["level"] == "stad"]
    headline_charts = []
    for name in key[:2]:
        table = by_indicator[name]
        wijken = table[table["level"] == "wijk"]
        headline_charts.append(charts.ranked_estimates(
            published(wijken), f"{wijken['label'].iloc[0]}, per wijk (95%-interval{not_shown(wijken)})",
            city_estimate=city_value(name), percent=wijken["kind"].iloc[0] == "proportion"))
    trend_tables = []
    for name in TREND_INDICATORS:
        rows = trend[(trend["indicator"] == name) & (trend["level"] == "stad")]
        if len(rows) and rows["kind"].iloc[0] == "proportion":
            trend_tables.append((rows["label"].iloc[0], rows))
    trend_chart = charts.trend(trend_tables, "Rotterdam per editie (95%-interval)") if trend_tables else None

    # ------------------------------------------------------------------ areas
    # the headline indicator has its own first row on every area page
    area_ids = [i for i in _area_indicator_ids(indicators, score_labels) if i != HEADLINE_INDICATOR]
    area_table = indicators[indicators["indicator"].isin(area_ids)]
    order = {name: i for i, name in enumerate(area_ids)}
    # one pass over all areas' rows (in indicator order), dealt out per area
    ordered = area_table.assign(_o=area_table["indicator"].map(order)).sort_values("_o", kind="stable")
    area_rows = {}
    for area, row in zip(zip(ordered["level"], ordered["domain"]), _rows(ordered, short=True)):
        area_rows.setdefault(area, []).append(row)
    level_tables = {(name, level): published(by_indicator[name][by_indicator[name]["level"] == level])
                    for name in key for level in ("gebied", "wijk")}
    headline = by_indicator.get(HEADLINE_INDICATOR)
    headline_rows = (dict(zip(zip(headline["level"], headline["domain"]), _rows(headline)))
                     if headline is not None else {})
    part_now = scores.set_index(["level", "domain"])[flagged_score]
    part_before = (scores.set_index(["level", "domain"])[f"{flagged_score} {previous}"]
                   if previous is not None else None)
    city_trend = [part_before.get(("stad", "Rotterdam")) if previous is not None else None,
                  part_now.get(("stad", "Rotterdam"))]
    weights_by_area = _by_area(area_weights)
    scores_by_area = _by_area(scores)

    panel_sets = {}
    for level in ("gebied", "wijk"):
        panels = [(level_tables[(name, level)], _short_label(by_indicator[name]["label"].iloc[0]),
                   city_value(name), by_indicator[name]["kind"].iloc[0] == "proportion")
                  for name in key]
        trend_spec = None
        if previous is not None:
            domains = scores.loc[scores["level"] == level, "domain"]
            values = {d: [part_before.get((level, d)), part_now.get((level, d))] for d in domains}
            trend_spec = ([previous, edition], values, city_trend, flagged_score)
        panel_sets[level] = charts.AreaPanels(panels, trend_spec)

    def area_page(level, domain, subtitle):
        w = weights_by_area.get((level, domain))
        return {
            "id": f"{level}-{_slug(domain)}", "level": level, "name": domain,
            "subtitle": subtitle,
            "n": _count(w["n"]) if w is not None else "0",
            "n_eff": _count(w["n_effective"]) if w is not None else "–",
            "deff": _format(w["deff_kish"], "mean", 2) if w is not None else "–",
            "w_range": (f"{_format(w['weight_min'], 'mean')} – {_format(w['weight_max'], 'mean')}"
                        if w is not None else "–"),
            "score": _score_box(scores_by_area, level, domain, previous, config, flagged_score),
            "chart": panel_sets[level].render(domain),
            "rows": area_rows.get((level, domain), []),
            "headline": headline_rows.get((level, domain)),
        }

    gebieden = list(dict.fromkeys(areas.sort_values(["gebied", "wijk_code"])["gebied"]))
    gebied_pages, wijk_pages, contents = [], [], []
    for gebied in gebieden:
        members = areas[areas["gebied"] == gebied].sort_values("wijk_code")["wijk"].tolist()
        page = area_page("gebied", gebied, f"Gebied met de wijken {', '.join(members)}")
        gebied_pages.append(page)
        entry = {"id": page["id"], "name": gebied, "wijken": []}
        for wijk in members:
            wpage = area_page("wijk", wijk, f"Wijk in gebied {gebied}")
            wijk_pages.append(wpage)
            entry["wijken"].append({"id": wpage["id"], "name": wijk})
        contents.append(entry)

    # ------------------------------------------------------------------ index overview
    subjective_themes = _part_themes(config, SUBJECTIVE_PART)
    objective_themes = _part_themes(config, OBJECTIVE_PART)
    has_register = bool((scores["register_used"] > 0).any())
    shown = [config.index_column, SUBJECTIVE_PART, OBJECTIVE_PART, *subjective_themes,
             *objective_themes] if has_register else [SUBJECTIVE_PART, *subjective_themes]
    index_rows = []
    for level in ("gebied", "wijk"):
        ranked = scores[scores["level"] == level].sort_values(shown[0])
        for data in ranked.to_dict("records"):
            index_rows.append({
                "level": level, "domain": data["domain"],
                "id": f"{level}-{_slug(data['domain'])}",
                "cells": [(_score(data[c]), _band(data[c])) for c in shown],
                "previous": _score(data.get(f"{flagged_score} {previous}", np.nan)),
                "change": ("–" if pd.isna(data.get(f"change {flagged_score}", np.nan))
                           else whole_change(data[f"change {flagged_score}"])),
                "flag": bool(data.get("flag_5_points", False)),
                "moved": bool(data.get("moved_5_points", data.get("flag_5_points", False))),
                "interval": _move_interval(data, flagged_score),
            })
    flagged = [r for r in index_rows if r["level"] == "wijk" and r["flag"]]
    moved = [r for r in index_rows if r["level"] == "wijk" and r["moved"]]
    index_header = {
        "parts": (["Index", "Subjectief", "Objectief"] if has_register else ["Subjectief"]),
        "groups": ([("subjectieve thema's", len(subjective_themes)),
                    ("objectieve thema's", len(objective_themes))] if has_register
                   else [("subjectieve thema's", len(subjective_themes))]),
        "themes": [_theme_name(t) for t in subjective_themes]
                  + ([_theme_name(t) for t in objective_themes] if has_register else []),
    }

    weight_rows = [{
        "questionnaire": row.questionnaire, "n": _count(row.n),
        "w_min": _format(row.weight_min, "mean"), "w_max": _format(row.weight_max, "mean"),
        "g_min": _format(row.g_min, "mean", 2), "g_max": _format(row.g_max, "mean", 2),
        "deff": _format(row.deff_kish, "mean", 2), "n_eff": _count(row.n_effective),
    } for row in _tuples(weight_summary)]

    html = _environment.get_template("report.html").render(
        title=title, edition=edition, previous=previous,
        bands=load_bands(), band_thresholds=thresholds_text(),
        generated_at=datetime.now().strftime("%d-%m-%Y %H:%M"),
        n_respondents=_count(fieldwork["completed_count"]),
        n_wijken=areas["wijk"].nunique(), n_gebieden=areas["gebied"].nunique(),
        fieldwork=fieldwork, city_rows=list(_rows(city)),
        city_score=_score_box(scores_by_area, "stad", "Rotterdam", previous, config, flagged_score),
        city_headline=headline_rows.get(("stad", "Rotterdam")),
        rule=rule, flag_summary=_flag_summary_rows(flag_summary, rule),
        headline_charts=headline_charts, trend_chart=trend_chart, editions=editions,
        contents=contents, gebied_pages=gebied_pages, wijk_pages=wijk_pages,
        pages_by_gebied=_pages_by_gebied(gebied_pages, wijk_pages, contents),
        index_rows=index_rows, flagged=flagged, moved=moved, index_header=index_header,
        has_move_intervals=f"change {flagged_score} ci_low" in scores,
        has_register=has_register, flagged_score=flagged_score,
        flagged_name=_flagged_name(flagged_score, config),
        weight_rows=weight_rows, method=method, files=[str(f) for f in files],
        weight_charts=[charts.weight_distribution(group["weight"], f"Verdeling van de gewichten: {q}",
                                                  chart_id=f"weights-{_slug(q)}")
                       for q, group in weights.groupby("questionnaire_id")],
    )
    path = out_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path


def _move_interval(data: dict, flagged_score: str) -> str:
    """The 95% interval of the flagged score's move, from the index replicates."""
    low, high = data.get(f"change {flagged_score} ci_low"), data.get(f"change {flagged_score} ci_high")
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return ""
    return interval_text(_dutch(low, 1), _dutch(high, 1))


def _flag_summary_rows(summary, rule):
    """Per level: tests, flags, and how many flags chance alone would give."""
    if summary is None or rule is None:
        return []
    return [{"level": row.level, "tests": _count(row.tests), "flagged": _count(row.flagged),
             "raw": _count(row.raw_p_below_alpha),
             "chance": _dutch(row.expected_by_chance, 0), "suppressed": _count(row.suppressed)}
            for row in _tuples(summary) if row.tests or row.suppressed]


def _flagged_name(flagged_score: str, config) -> str:
    return "de Veiligheidsindex" if flagged_score == config.index_column else "het subjectieve deel"


def _pages_by_gebied(gebied_pages, wijk_pages, contents):
    """Pages in print order: each gebied followed by its wijken."""
    wijk_by_id = {p["id"]: p for p in wijk_pages}
    ordered = []
    for gpage, entry in zip(gebied_pages, contents):
        ordered.append(gpage)
        ordered.extend(wijk_by_id[w["id"]] for w in entry["wijken"])
    return ordered


def _slug(name: str) -> str:
    text = "".join(c.lower() if c.isalnum() else "-" for c in str(name))
    return "-".join(part for part in text.split("-") if part)
