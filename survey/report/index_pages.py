"""The report's index pages (indices.html beside index.html): the three indices per area in
five bands, every edition since 2014 as a series with its breaks, and the college targets.

Input is computed elsewhere (`survey.report.indices`, `series`, `targets`); this module only
formats: one self-contained HTML file, charts inline as SVG.
"""

from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from survey.report import charts
from survey.report.bands import band_of, load_bands, thresholds_text
from survey.report.intervals import whole, whole_change, whole_interval
from survey.report.series import breaks, broken_columns

PAGE = "indices.html"
LEVEL_NAMES = {"stad": "Rotterdam", "gebied": "Gebieden", "wijk": "Wijken"}

_environment = jinja2.Environment(loader=jinja2.PackageLoader("survey.report", "templates"),
                                  autoescape=True)


def _number(value):
    return "" if value is None or pd.isna(value) else whole(value)


def _cell(value):
    band = band_of(None if pd.isna(value) else float(value))
    return {"text": _number(value), "band": band.id if band else "missing",
            "title": band.label if band else "ontbreekt"}


SHORT_NAMES = {"Veiligheidsindex": "VI", "Sociale index": "SI", "Fysieke index": "FI"}


def _series_chart(series, configs, index_breaks):
    """Rotterdam's three indices over the editions; a dashed line per definition change, just
    before the edition from which the new definition holds, labelled with its index."""
    city = series[series["level"] == "stad"]
    lines = []
    for name in configs:
        line = city[city["column"] == name].sort_values("edition")
        if len(line):
            lines.append((name, line["edition"].tolist(), line["value"].to_numpy(dtype=float)))
    breaks = [(edition, f"breuk {SHORT_NAMES.get(name, name)} ({edition})")
              for name, changes in index_breaks.items()
              for edition in sorted({change.edition for _, _, change in changes})]
    limits = [band.below for band in load_bands() if band.below is not None]
    return charts.index_series(lines, limits, breaks, "Rotterdam: de drie indices per editie")


def _grouped(table: pd.DataFrame, areas: pd.DataFrame | None) -> pd.DataFrame:
    """Rotterdam, then each gebied followed by its wijken (as the public site lists them)."""
    if areas is None:
        return table
    keyed = table.set_index(["level", "domain"])
    order = [("stad", "Rotterdam")]
    for gebied, wijken in areas.groupby("gebied", sort=True):
        order.append(("gebied", gebied))
        order += [("wijk", w) for w in wijken["wijk"]]
    order = [key for key in order if key in keyed.index]
    return keyed.loc[order].reset_index()


def write_index_pages(out_dir: Path, *, year: int, previous, table: pd.DataFrame, configs: dict,
                      series: pd.DataFrame, targets: pd.DataFrame, ses: pd.DataFrame,
                      areas: pd.DataFrame | None = None) -> Path:
    """Write indices.html.

    Args:
        table: the score table of `year` (`survey.report.indices.score_table`, every area).
        configs: {index: ScoreConfig}.
        series: `survey.report.series.series_table`.
        targets: `survey.report.targets.evaluate`.
        ses: standard errors per (level, domain) (`indices.index_se`, all indices side by side).
        areas: the edition's wijken with their gebied (to list wijken under their gebied).
    """
    editions = sorted(series["edition"].unique()) if len(series) else [year]
    index_breaks = {name: breaks(config, editions) for name, config in configs.items()}
    overview = []
    city = table[table["level"] == "stad"].iloc[0]
    for name, config in configs.items():
        subjective, objective = config.part("subjectief"), config.part("objectief")
        se = ses.loc[("stad", "Rotterdam"), f"{name} se"] if f"{name} se" in ses else np.nan
        overview.append({
            "name": name, "reconstructed": config.status == "reconstructed", "note": config.note,
            "index": _cell(city[name]), "subjective": _cell(city[subjective.column]),
            "objective": _cell(city[objective.column]),
            "se": "" if pd.isna(se) else f"{se:.1f}",
            "interval": _interval(city, name),
            "subjective_interval": _interval(city, subjective.column),
            "change": whole_change(city.get(f"change {name}")) if previous else "",
            "themes": [(t.column, _cell(city[t.column])) for t in config.themes],
        })
    rows = []
    for _, row in _grouped(table, areas).iterrows():
        rows.append({"level": row["level"], "domain": row["domain"],
                     "cells": [_cell(row[c]) for config in configs.values()
                               for c in [config.index_column] + [p.column for p in config.parts]]})
    header = [(name, [name, "subj.", "obj."]) for name in configs]

    series_tables = []
    for name, config in configs.items():
        part_columns = [config.index_column] + [p.column for p in config.parts]
        broken = {e: broken_columns(config, changes) for e, changes in index_breaks[name].items()}
        lines = []
        shown = series[(series["column"].isin(part_columns)) & (series["level"].isin(["stad", "gebied"]))]
        for (level, domain, column), group in shown.groupby(["level", "domain", "column"], sort=False):
            by_edition = dict(zip(group["edition"], group["value"]))
            lines.append({"domain": domain, "column": column, "level": level,
                          "cells": [{"text": _number(by_edition.get(e)),
                                     "band": (band_of(by_edition[e]).id if e in by_edition else "missing"),
                                     "broken": column in broken.get(e, set())} for e in editions]})
        lines.sort(key=lambda r: (r["level"] != "stad", r["domain"], part_columns.index(r["column"])))
        notes = [(e, theme, indicator, change) for e, changes in index_breaks[name].items()
                 for theme, indicator, change in changes]
        series_tables.append({"name": name, "lines": lines, "notes": _summarise_breaks(notes),
                              "reconstructed": config.status == "reconstructed"})

    # the replicate standard errors cover every theme and part; the delta method's
    # (`indices.index_se`, used without index replicates) only the subjective part and the index
    from_replicates = any(c[:-3] in {t.column for config in configs.values() for t in config.themes}
                          for c in ses.columns)
    html = _environment.get_template("indices.html").render(
        from_replicates=from_replicates,
        year=year, previous=previous, overview=overview, header=header, rows=rows,
        level_names=LEVEL_NAMES, bands=load_bands(), thresholds=thresholds_text(),
        editions=editions, series_tables=series_tables,
        chart=_series_chart(series, configs, {name: [c for changes in found.values() for c in changes]
                                              for name, found in index_breaks.items()})
        if len(series) else "",
        targets=_target_rows(targets),
    )
    path = Path(out_dir) / PAGE
    path.write_text(html, encoding="utf-8")
    return path


def _interval(row, column) -> str:
    """The 95% interval of a score from `<column> ci_low/ci_high`, or "" (none, or zero width)."""
    return whole_interval(row.get(f"{column} ci_low"), row.get(f"{column} ci_high"))


def _summarise_breaks(notes):
    """One line per (edition, change): the changed definition and the themes it touches."""
    grouped = {}
    for edition, theme, indicator, change in notes:
        key = (edition, change.change, change.bridge)
        grouped.setdefault(key, {"themes": set(), "count": 0})
        grouped[key]["themes"].add(theme)
        grouped[key]["count"] += 1
    return [{"edition": e, "change": c, "bridge": b, "themes": sorted(v["themes"]), "count": v["count"]}
            for (e, c, b), v in sorted(grouped.items())]


def _target_rows(targets):
    rows = []
    for _, t in targets.iterrows():
        interval = "" if pd.isna(t["se"]) else whole_interval(t["ci_low"], t["ci_high"])
        if t["on_track"] is None:
            status, css = "geen gegevens", "missing"
        elif t["on_track"]:
            status, css = "op koers", "ok"
        else:
            status, css = "niet op koers", "behind"
        if t["certain"] is False:
            status += " (binnen de onzekerheid)"
        rows.append({"title": t["title"], "area": t["area"], "score": t["score"],
                     "baseline": f"{_number(t['baseline'])} ({t['baseline_edition']})",
                     "goal": f"≥ {_number(t['goal'])} in {t['by_edition']}",
                     "latest": f"{_number(t['latest'])} ({t['latest_edition']})", "interval": interval,
                     "change": "" if pd.isna(t["change"]) else whole_change(t["change"]),
                     "to_go": _number(t["to_go"]), "status": status, "css": css})
    return rows
