"""What each page of the public site shows, in one language: the figures of `SiteData` turned
into labelled, formatted rows for the templates (`survey.publish.site`) and the factsheets.

Nothing is estimated here: scores, estimates, intervals, changes and flags are the report's.
"""

import re

import numpy as np
import pandas as pd

from survey.publish import charts, numbers
from survey.publish.inputs import SiteData
from survey.publish.texts import (HEADLINE, bands, INDEX_ABOUT, INDEX_NAMES, KEY_INDICATORS,
                                  PART_NAMES, THEME_NAMES, band, band_label, theme_key)

LEVEL_DIRS = {"gebied": "gebied", "wijk": "wijk"}


def slug(name: str) -> str:
    """>>> slug("Oud-Mathenesse/Witte Dorp"), slug("'s-Gravenland")
    ('oud-mathenesse-witte-dorp', 's-gravenland')
    """
    text = "".join(c.lower() if c.isalnum() else "-" for c in str(name))
    return "-".join(part for part in text.split("-") if part)


def area_path(level: str, domain: str) -> str:
    """The page of an area, relative to the site's language root."""
    if level == "stad":
        return "index.html"
    return f"{LEVEL_DIRS[level]}/{slug(domain)}.html"


def factsheet_path(wijk: str) -> str:
    return f"factsheets/{slug(wijk)}.pdf"


class Page:
    """Builds page content in one language; `t` is the catalogue's gettext."""

    def __init__(self, data: SiteData, language: str, t):
        self.data = data
        self.language = language
        self._ = t
        self.indicators = data.indicators
        self._rows = {(r["indicator"], r["level"], r["domain"]): r
                      for r in data.indicators.to_dict("records")}
        self.gebied_of = dict(zip(data.areas["wijk"], data.areas["gebied"]))
        self.charts = {}  # file (relative to the language root) -> SVG, written by the site

    def chart(self, level, domain, chart_id, svg, alt):
        """Keep `svg` for writing; return what the page's <img> needs."""
        name = f"charts/{level}-{slug(domain)}-{chart_id}.svg"
        self.charts[name] = svg
        return {"file": name, "alt": alt, "width": svg.width, "height": svg.height}

    # -------------------------------------------------------------- scores
    def score_cell(self, level, domain, column):
        value = self.data.score(level, domain, column)
        given = self.data.score(level, domain, f"{column} band")
        key = band(value, given if isinstance(given, str) else None)
        low = self.data.score(level, domain, f"{column} ci_low")
        high = self.data.score(level, domain, f"{column} ci_high")
        return {
            "value": value, "text": numbers.score(value), "band": key,
            "band_label": self._(band_label(key)) if key else "",
            # register-only scores carry no sampling uncertainty: no (zero-width) interval
            "interval": self.score_interval(low, high),
        }

    def score_interval(self, low, high) -> str:
        """"95–104"; with a negative bound "−16 tot 50" in this page's language."""
        # TRANSLATORS: a 95% interval of which a bound is negative, e.g. "−16 tot 50"
        return numbers.score_interval(low, high, self._("%(low)s tot %(high)s"))

    def score_change(self, level, domain, column):
        """The change on the previous edition and whether the report flags it (5 points)."""
        data = self.data
        if data.previous is None:
            return None
        before = data.score(level, domain, f"{column} {data.previous}")
        moved = data.score(level, domain, f"change {column}")
        if numbers.is_missing(moved) and not numbers.is_missing(before):
            moved = data.score(level, domain, column) - before
        flag_column = data.score(level, domain, "flag_score")
        flagged = (flag_column == column and bool(data.score(level, domain, "flag_5_points")
                                                  is True or str(data.score(
                                                      level, domain, "flag_5_points")) == "True"))
        return {"previous": numbers.score(before), "change": numbers.signed(moved, 0, self.language),
                "value": moved, "flag": flagged}

    def part_name(self, column):
        return self._(PART_NAMES["subjectief" if column.endswith("subjectief") else "objectief"])

    def theme_name(self, column):
        name, _part = theme_key(column)
        return self._(THEME_NAMES[name]) if name in THEME_NAMES else column

    def indices(self, level, domain):
        """Per index: its score, parts, themes, change, and charts with tables."""
        result = []
        for spec in self.data.indices:
            columns = [c for c in [spec.column, *spec.parts] if c in self.data.scores]
            index_cell = self.score_cell(level, domain, spec.column) if spec.column in self.data.scores else None
            parts = []
            for part in spec.parts:
                parts.append({
                    "column": part, "name": self.part_name(part),
                    "cell": self.score_cell(level, domain, part),
                    "change": self.score_change(level, domain, part),
                    "themes": [{"name": self.theme_name(t), "cell": self.score_cell(level, domain, t)}
                               for t in spec.themes.get(part, [])],
                })
            has_objective = any(p["column"] == spec.objective and not numbers.is_missing(
                p["cell"]["value"]) for p in parts)
            main = spec.column if index_cell and not numbers.is_missing(index_cell["value"]) else (
                spec.subjective if spec.subjective in columns else columns[0])
            result.append({
                "column": spec.column, "id": slug(spec.column),
                "name": self._(INDEX_NAMES[spec.column]), "about": self._(INDEX_ABOUT[spec.column]),
                "cell": index_cell if index_cell and not numbers.is_missing(index_cell["value"]) else None,
                "change": self.score_change(level, domain, spec.column),
                "parts": parts, "objective_missing": not has_objective,
                "comparison": self.comparison(level, domain, spec, columns),
                "series": self.series(level, domain, spec, main),
            })
        return result

    def comparators(self, level, domain):
        """The areas a page compares with: itself, its gebied (for a wijk), Rotterdam."""
        areas = [(level, domain, True)]
        if level == "wijk":
            areas.append(("gebied", self.gebied_of[domain], False))
        if level != "stad":
            areas.append(("stad", "Rotterdam", False))
        return areas

    def area_label(self, level, domain):
        if level == "gebied":
            return self._("gebied %(name)s") % {"name": domain}
        return domain

    def comparison(self, level, domain, spec, columns):
        _ = self._
        areas = self.comparators(level, domain)
        rows, groups = [], []
        for column in columns:
            name = self._(INDEX_NAMES[spec.column]) if column == spec.column else self.part_name(column)
            cells = [self.score_cell(l, d, column) for l, d, _ in areas]
            rows.append({"name": name, "cells": cells})
            groups.append((name, [(self.area_label(l, d), c["value"], c["band"],
                                   c["text"], own) for (l, d, own), c in zip(areas, cells)]))
        described = "; ".join(
            f"{row['name']}: " + ", ".join(f"{self.area_label(l, d)} {c['text']}"
                                           for (l, d, _), c in zip(areas, row["cells"]))
            for row in rows)
        chart_id = f"cmp-{slug(spec.column)}"
        title = _("%(index)s: %(area)s vergeleken (100 = Rotterdam in 2014)") % {
            "index": _(INDEX_NAMES[spec.column]), "area": self.area_label(level, domain)}
        svg = charts.score_bars(chart_id, title, described, groups)
        return {"chart": self.chart(level, domain, chart_id, svg, described),
                "title": title, "headers": [self.area_label(l, d) for l, d, _ in areas],
                "rows": rows, "id": chart_id}

    def series(self, level, domain, spec, column):
        _ = self._
        series = self.data.series
        editions = sorted(series.loc[series["score"] == column, "edition"].unique().tolist())
        if not editions:
            return None
        lines, table = [], []
        for l, d, own in self.comparators(level, domain):
            points = series[(series["level"] == l) & (series["domain"] == d)
                            & (series["score"] == column)].set_index("edition")["value"].to_dict()
            lines.append((self.area_label(l, d), points, own))
            table.append({"name": self.area_label(l, d),
                          "values": [numbers.score(points.get(e, np.nan)) for e in editions]})
        name = _(INDEX_NAMES[spec.column]) if column == spec.column else self.part_name(column)
        title = _("%(score)s per editie") % {"score": name}
        described = "; ".join(f"{row['name']}: " + ", ".join(
            f"{e} {v}" for e, v in zip(editions, row["values"])) for row in table)
        chart_id = f"series-{slug(spec.column)}"
        svg = charts.score_lines(chart_id, title, described, editions, lines)
        return {"chart": self.chart(level, domain, chart_id, svg, described),
                "title": title, "editions": editions, "rows": table, "id": chart_id,
                "single": len(editions) == 1}

    # -------------------------------------------------------------- indicators
    def estimate_row(self, indicator, level, domain):
        row = self._rows.get((indicator, level, domain))
        if row is None:
            return None
        language, _ = self.language, self._
        kind = row["kind"]
        published = bool(row["published"])
        result = {"published": published, "kind": kind, "n": numbers.number(row["n"], 0, language),
                  "indicative": bool(row["indicative"]), "estimate": row["estimate"],
                  "low": row["ci_low"], "high": row["ci_high"]}
        if not published:
            reason = row["suppressed"]
            # the report's own reason (Dutch), or none when the report simply has no estimate
            result.update(text=_("niet gepubliceerd"), interval="", change=None,
                          reason=_("geen schatting") if pd.isna(reason) else str(reason),
                          reason_dutch=not pd.isna(reason))
            return result
        result["text"] = numbers.estimate(row["estimate"], kind, language)
        result["interval"] = (f"{numbers.estimate(row['ci_low'], kind, language)}–"
                              f"{numbers.estimate(row['ci_high'], kind, language)}"
                              if not pd.isna(row["ci_low"]) and not pd.isna(row["ci_high"]) else "")
        result["change"] = self.indicator_change(row)
        return result

    def indicator_change(self, row):
        """The change as the report has it; `direction` says whether the significant change
        is better or worse."""
        if pd.isna(row.get("change", np.nan)):
            return None
        _ = self._
        significant = row["significant"] is True or row["significant"] == True  # noqa: E712
        value = row["change"]
        unit = _("procentpunt") if row["kind"] == "proportion" else ""
        text = numbers.change(value, row["kind"], self.language)
        better = (value > 0) == (row["direction"] == "higher_is_better")
        if significant:
            word = _("gestegen") if value > 0 else _("gedaald")
            meaning = _("beter") if better else _("slechter")
        else:
            word, meaning = _("geen duidelijke verandering"), ""
        return {"text": f"{text} {unit}".strip(), "significant": significant,
                "arrow": ("▲" if value > 0 else "▼") if significant else "",
                "word": word, "meaning": meaning,
                "class": ("better" if better else "worse") if significant else "",
                "previous": numbers.estimate(row["previous"], row["kind"], self.language)}

    def key_indicators(self, level, domain):
        """Per index present in the indicators: its key indicators for this area beside its
        gebied and Rotterdam."""
        groups = []
        areas = self.comparators(level, domain)
        for index_column, entries in KEY_INDICATORS.items():
            rows = []
            for indicator, label in entries:
                own = self.estimate_row(indicator, level, domain)
                if own is None:
                    continue
                rows.append({"id": indicator, "label": self._(label), "own": own,
                             "others": [self.estimate_row(indicator, l, d) for l, d, o in areas[1:]]})
            if rows:
                groups.append({"name": self._(INDEX_NAMES[index_column]), "rows": rows})
        return {"groups": groups, "headers": [self.area_label(l, d) for l, d, _ in areas[1:]]}

    def headline(self, level, domain):
        """The headline indicator (feeling unsafe in one's own buurt) as an interval chart."""
        label = next(l for i, l in KEY_INDICATORS["Veiligheidsindex"] if i == HEADLINE)
        rows = []
        for l, d, own in self.comparators(level, domain):
            estimate = self.estimate_row(HEADLINE, l, d)
            if estimate is None:
                continue
            _ = self._
            if estimate["published"]:
                indicative = estimate["indicative"]
                text = estimate["text"] + (f" ({_('indicatief')})" if indicative else "")
                rows.append((self.area_label(l, d), estimate["estimate"], estimate["low"],
                             estimate["high"], text, own, indicative))
            else:
                # not published (the small-cell rule): named, not drawn
                rows.append((self.area_label(l, d), None, None, None,
                             _("te weinig respondenten"), own, False))
        if not rows:
            return None
        _ = self._
        title = _("%(label)s, met 95%%-betrouwbaarheidsinterval") % {"label": _(label)}
        described = "; ".join(
            f"{name}: {text}" + (f" ({self.interval_text(low, high)})" if low is not None and low == low else "")
            for name, _v, low, high, text, _o, _i in rows)
        if any(row[6] for row in rows):
            described += ". " + _("Open rondje of vierkantje: indicatief, op weinig respondenten.")
        highest = max([r[3] for r in rows if r[3] is not None and r[3] == r[3]] + [0.25])
        scale = min(1.0, np.ceil(highest * 10) / 10 + 0.1)
        svg = charts.intervals("headline", title, described, rows, percent=True,
                               scale_max=scale, indicative_note=_("open = indicatief (weinig respondenten)"))
        return {"chart": self.chart(level, domain, "headline", svg, described),
                "title": title, "label": _(label)}

    def interval_text(self, low, high):
        return self._("interval %(low)s tot %(high)s") % {
            "low": numbers.estimate(low, "proportion", self.language),
            "high": numbers.estimate(high, "proportion", self.language)}

    # -------------------------------------------------------------- overview
    def overview(self):
        """Every gebied with its wijken: the first index's score, band and change."""
        spec = self.data.indices[0]
        column = spec.column if spec.column in self.data.scores and self.data.scores[
            spec.column].notna().any() else spec.parts[0]
        gebieden = []
        for gebied, members in self.data.areas.groupby("gebied", sort=True):
            gebieden.append({
                "name": gebied, "path": area_path("gebied", gebied),
                "cell": self.score_cell("gebied", gebied, column),
                "change": self.score_change("gebied", gebied, column),
                "wijken": [{"name": w, "path": area_path("wijk", w),
                            "cell": self.score_cell("wijk", w, column),
                            "change": self.score_change("wijk", w, column)}
                           for w in members.sort_values("wijk")["wijk"]],
            })
        name = self._(INDEX_NAMES[spec.column]) if column == spec.column else self.part_name(column)
        return {"score_name": name, "gebieden": gebieden}

    def index_tables(self):
        """The indices page: per index, Rotterdam, every gebied and its wijken with the index
        and its parts (each with its 95% interval) and the change of the flagged score."""
        result = []
        for spec in self.data.indices:
            columns = [c for c in [spec.column, *spec.parts] if c in self.data.scores
                       and self.data.scores[c].notna().any()]
            if not columns:
                continue
            headers = [self._(INDEX_NAMES[spec.column]) if c == spec.column else self.part_name(c)
                       for c in columns]
            areas = [("stad", "Rotterdam", "")]
            for gebied, members in self.data.areas.groupby("gebied", sort=True):
                areas.append(("gebied", gebied, area_path("gebied", gebied)))
                areas += [("wijk", w, area_path("wijk", w)) for w in members.sort_values("wijk")["wijk"]]
            rows = [{"level": level, "name": self.area_label(level, domain), "path": path or "index.html",
                     "cells": [self.score_cell(level, domain, c) for c in columns],
                     "change": self.score_change(level, domain, columns[0])}
                    for level, domain, path in areas]
            result.append({"id": slug(spec.column), "name": self._(INDEX_NAMES[spec.column]),
                           "headers": headers, "rows": rows,
                           "has_interval": any(c["interval"] for r in rows for c in r["cells"])})
        return result

    def city_series(self):
        """Rotterdam's indices and parts in every edition of the series (since 2014)."""
        series = self.data.series
        if series is None or series.empty:
            return None
        city = series[(series["level"] == "stad")]
        editions = sorted(city["edition"].unique().tolist())
        rows = []
        for spec in self.data.indices:
            for column in [spec.column, *spec.parts]:
                points = city[city["score"] == column].set_index("edition")["value"].to_dict()
                if not points:
                    continue
                name = (self._(INDEX_NAMES[spec.column]) if column == spec.column
                        else f"{self._(INDEX_NAMES[spec.column])}: {self.part_name(column)}")
                rows.append({"name": name, "values": [numbers.score(points.get(e, np.nan))
                                                      for e in editions]})
        return {"editions": editions, "rows": rows} if rows else None

    def targets(self):
        """The college targets as the report evaluates them, formatted."""
        table = self.data.targets
        if table is None or table.empty:
            return None
        _ = self._
        rows = []
        for row in table.to_dict("records"):
            track = str(row["on_track"]).strip().lower()
            rows.append({
                "title": row["title"], "area": row["area"],
                "baseline": f"{numbers.score(row['baseline'])} ({row['baseline_edition']:.0f})",
                "goal": numbers.score(row["goal"]),
                "latest": (f"{numbers.score(row['latest'])} ({row['latest_edition']:.0f})"
                           if not numbers.is_missing(row["latest"]) else numbers.MISSING),
                "interval": self.score_interval(row["ci_low"], row["ci_high"]),
                "to_go": numbers.score(row["to_go"]),
                "on_track": (_("ja") if track in ("true", "1", "1.0") else
                             _("nee") if track in ("false", "0", "0.0") else numbers.MISSING),
            })
        return rows

    def bands_legend(self):
        rows = []
        for key, label, low, high in bands():
            if low is None:
                span = self._("lager dan %(high)s") % {"high": high}
            elif high is None:
                span = self._("hoger dan %(low)s") % {"low": low}
            else:
                span = f"{low}–{high}"
            rows.append({"key": key, "label": self._(label), "span": span})
        return rows
