"""The input model of the public site: what `wijkprofiel publish` reads, and how it copes with
what a given report does and does not have.

The site is published from the statistician's report of an edition
(`survey.report.edition_report.build_edition_report`), never from estimates of its own:

`indicators.csv` (one row per indicator and area), required columns
    indicator, label, kind (proportion | mean | ratio), index, theme, direction, level (stad | gebied
    | wijk), domain, estimate, ci_low, ci_high, n;
    used when present: previous, change, significant (the report's change rule: a flagged
    change is one the report flags), change_test, q, suppressed (the report's small-cell
    rule: a reason means the estimate is not published; a reason containing "indicatief" marks
    it indicative), indicative.
`index_scores.csv` (one row per area), required columns level, domain and at least one score:
    for each of `Veiligheidsindex`, `Sociale index`, `Fysieke index` that the report has: the
    index, its parts `<index> -subjectief` and `<index> -objectief`, and its themes (for the
    Veiligheidsindex read from its score configuration); used when present: `<score> <year>`
    (earlier editions, a series), `change <score>`, `flag_5_points` and `flag_score` (the
    report's 5-point rule), `<score> se`, `<score> ci_low`, `<score> ci_high` (uncertainty
    of a score), `<score> band` (a band the report assigns).
`index_series.csv` (optional): the editions since 2014 as a series, long (edition, level,
    domain, column, value, as the report writes it) or wide (level, domain, edition and score
    columns); merged with the `<score> <year>` columns, this edition's own scores win.
`index_targets.csv` (optional): the college targets as the report evaluates them (title, area,
    baseline_edition, baseline, goal, latest_edition, latest, ci_low, ci_high, to_go,
    on_track); shown on the city page.

An index, part, theme, series, interval or target the report lacks is left off the site (and
the site says the objective part is missing where it is); nothing is filled in.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from survey.errors import InputError
from weighting import io as weighting_io

INDEX_COLUMNS = ("Veiligheidsindex", "Sociale index", "Fysieke index")
SUBJECTIVE, OBJECTIVE = " -subjectief", " -objectief"
LEVELS = ("stad", "gebied", "wijk")
INDICATOR_COLUMNS = ("indicator", "label", "kind", "index", "theme", "direction", "level",
                     "domain", "estimate", "ci_low", "ci_high", "n")
TARGET_COLUMNS = ("title", "area", "baseline_edition", "baseline", "goal", "latest_edition",
                  "latest", "ci_low", "ci_high", "to_go", "on_track")
_YEAR_COLUMN = re.compile(r"^(?P<score>.+) (?P<year>(?:19|20)\d\d)$")
_SCORE_SUFFIXES = (" se", " ci_low", " ci_high", " band")


@dataclass
class IndexSpec:
    """One index as the report has it: its column, the parts present, and per part its themes
    (columns of `index_scores.csv`)."""

    column: str
    parts: list
    themes: dict = field(default_factory=dict)

    @property
    def subjective(self):
        return self.column + SUBJECTIVE

    @property
    def objective(self):
        return self.column + OBJECTIVE


@dataclass
class SiteData:
    """Everything the site shows, read and checked.

    Attributes:
        edition, previous: the edition published and the one it is compared with (or None).
        areas: the wijken (wijk_code, wijk, gebied), wijk code order.
        indicators: `indicators.csv` with every optional column present (NaN where the
            report has none) and `published` (False where the report suppressed the value),
            `indicative`.
        scores: `index_scores.csv`, one row per area.
        series: long table level, domain, edition, score, value: every edition of every
            score the report (or `index_series.csv`) gives, this edition included.
        indices: the `IndexSpec`s of the indices present, in the order Veiligheid, Sociaal,
            Fysiek.
        postcodes: the PC4 table (`survey.publish.postcodes`).
        targets: the college targets table, or None.
        source: where the tables came from, for the method page.
    """

    edition: int
    previous: int | None
    areas: pd.DataFrame
    indicators: pd.DataFrame
    scores: pd.DataFrame
    series: pd.DataFrame
    indices: list
    postcodes: pd.DataFrame
    targets: pd.DataFrame | None = None
    source: str = ""

    @property
    def editions(self) -> list[int]:
        return sorted(int(y) for y in self.series["edition"].unique()) or [self.edition]

    @property
    def has_suppression(self) -> bool:
        return bool(self.indicators["suppressed"].notna().any())

    def score(self, level: str, domain: str, column: str):
        """The published score, or NaN."""
        return self._score_rows.get((level, domain), {}).get(column, np.nan)

    def __post_init__(self):
        # plain dicts: the pages look up thousands of single values
        self._score_rows = {(r["level"], r["domain"]): r for r in self.scores.to_dict("records")}


def read_table(path: Path, required, what: str) -> pd.DataFrame:
    """A CSV of the report, read as every import is (`weighting.io.read_table`), with its
    required columns checked (InputError naming the file)."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, f"file not found; expected the report's {what} "
                               "(wijkprofiel report --out DIR writes it)")
    table = weighting_io.read_table(path, what=what)  # the reader of every import, typed
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(repr(c) for c in missing)}; "
                               f"expected the report's {what}")
    return table


def read_report(report_dir: Path, *, areas: pd.DataFrame, postcodes: pd.DataFrame,
                edition: int | None = None) -> SiteData:
    """The site's data from a report directory (`wijkprofiel report --out DIR`).

    Raises InputError for a missing file or column, a level or kind the site does not know, an
    area that is not in `areas`, or an edition other than `edition`.
    """
    report_dir = Path(report_dir)
    indicators = read_table(report_dir / "indicators.csv", INDICATOR_COLUMNS, "indicator table")
    scores = read_table(report_dir / "index_scores.csv", ("level", "domain"), "index score table")
    series_path = report_dir / "index_series.csv"
    series = (read_table(series_path, ("level", "domain", "edition"), "index series")
              if series_path.exists() else None)
    targets_path = report_dir / "index_targets.csv"
    targets = (read_table(targets_path, TARGET_COLUMNS, "college targets table")
               if targets_path.exists() else None)
    return site_data(indicators, scores, areas=areas, postcodes=postcodes, edition=edition,
                     series=series, targets=targets, source=str(report_dir),
                     paths={"indicators": report_dir / "indicators.csv",
                            "scores": report_dir / "index_scores.csv"})


def site_data(indicators: pd.DataFrame, scores: pd.DataFrame, *, areas: pd.DataFrame,
              postcodes: pd.DataFrame, edition: int | None = None,
              series: pd.DataFrame | None = None, targets: pd.DataFrame | None = None,
              source: str = "", paths: dict | None = None) -> SiteData:
    """Check the report's tables and build the `SiteData` (see the module docstring)."""
    paths = paths or {"indicators": "indicators", "scores": "index_scores"}
    indicators = _check_indicators(indicators.copy(), areas, paths["indicators"])
    scores = _check_scores(scores.copy(), areas, paths["scores"])
    years = scores["edition"].dropna().unique() if "edition" in scores else []
    if len(years) > 1:
        raise InputError(paths["scores"], f"holds several editions ({sorted(years)}); expected "
                                          "the scores of one edition")
    found = int(years[0]) if len(years) else edition
    if found is None:
        raise InputError(paths["scores"], "no column 'edition' and no --edition given")
    if edition is not None and found != edition:
        raise InputError(paths["scores"], f"is the report of edition {found}, not {edition}")
    previous = (int(scores["previous_edition"].dropna().iloc[0])
                if "previous_edition" in scores and scores["previous_edition"].notna().any()
                else None)
    indices = index_specs(scores.columns)
    if not indices:
        raise InputError(paths["scores"], "has none of the score columns "
                                          f"{', '.join(INDEX_COLUMNS)} (or their parts)")
    return SiteData(edition=found, previous=previous, areas=areas.reset_index(drop=True),
                    indicators=indicators, scores=scores,
                    series=score_series(scores, found, indices, series), indices=indices,
                    postcodes=postcodes, targets=targets, source=source)


def _check_area_names(table, areas, source):
    known = {("stad", "Rotterdam")} | {("gebied", g) for g in areas["gebied"]} | {
        ("wijk", w) for w in areas["wijk"]}
    levels = set(table["level"].dropna()) - set(LEVELS)
    if levels:
        raise InputError(source, f"unknown level(s) {sorted(levels)}; expected stad, gebied, wijk",
                         column="level")
    pairs = list(zip(table["level"], table["domain"]))
    unknown = [(i, p) for i, p in enumerate(pairs) if p not in known]
    if unknown:
        i, (level, domain) = unknown[0]
        raise InputError(source, f"{level} {domain!r} is not an area of this edition "
                                 f"({len(unknown)} row(s) like it)", row=i + 2, column="domain")


def _check_indicators(table, areas, source):
    _check_area_names(table, areas, source)
    kinds = set(table["kind"].dropna()) - {"proportion", "mean", "ratio"}
    if kinds:
        raise InputError(source, f"unknown kind(s) {sorted(kinds)}; expected proportion, mean "
                                 "or ratio", column="kind")
    for column in ("previous", "change", "significant", "change_test", "q", "p", "suppressed",
                   "indicative", "se"):
        if column not in table:
            table[column] = np.nan
    suppressed = table["suppressed"].astype(object)
    table["suppressed"] = suppressed.where(suppressed.notna() & suppressed.astype(str).str.strip().ne(""))
    reason = table["suppressed"].astype(object).where(table["suppressed"].notna(), "").astype(str).str.lower()
    given = table["indicative"].map(lambda v: str(v).strip().lower() in ("true", "1", "1.0", "ja"))
    table["indicative"] = given.astype(bool) | reason.str.contains("indicati")
    table["published"] = ~(table["suppressed"].notna() & ~table["indicative"]) & table[
        "estimate"].notna()
    table["significant"] = table["significant"].map(
        lambda v: v if isinstance(v, (bool, np.bool_)) else
        (str(v).strip().lower() in ("true", "1", "ja")) if pd.notna(v) else np.nan)
    return table


def _check_scores(table, areas, source):
    _check_area_names(table, areas, source)
    return table


def index_specs(columns) -> list[IndexSpec]:
    """The indices whose columns the score table has, with their parts and themes."""
    columns = list(columns)
    theme_map = _configured_themes()
    specs = []
    for name in INDEX_COLUMNS:
        parts = [c for c in (name + SUBJECTIVE, name + OBJECTIVE) if c in columns]
        if name not in columns and not parts:
            continue
        themes = {part: [t for t in theme_map.get(part, []) if t in columns] for part in parts}
        specs.append(IndexSpec(name, parts, themes))
    return specs


def _configured_themes() -> dict:
    """part column -> theme columns, from every index configuration the project has."""
    from weighting import scores

    configs = scores.load_index_configs().values()
    return {part.column: list(part.themes) for config in configs for part in config.parts}


def score_series(scores: pd.DataFrame, edition: int, indices, extra=None) -> pd.DataFrame:
    """Long table (level, domain, edition, score, value) of every score of every edition: this
    edition's columns, the `<score> <year>` columns and `extra` (`index_series.csv`)."""
    wanted = [c for spec in indices for c in [spec.column, *spec.parts] if c in scores]
    frames = []
    present = [c for c in wanted]
    if present:
        frames.append(scores.melt(id_vars=["level", "domain"], value_vars=present,
                                  var_name="score").assign(edition=edition))
    for column in scores.columns:
        match = _YEAR_COLUMN.match(str(column))
        if match and match["score"] in wanted:
            frames.append(scores[["level", "domain", column]].rename(columns={column: "value"})
                          .assign(score=match["score"], edition=int(match["year"])))
    if extra is not None and {"column", "value"} <= set(extra.columns):  # the report's long form
        frames.append(extra[extra["column"].isin(wanted)]
                      .rename(columns={"column": "score"})[["level", "domain", "edition", "score", "value"]])
    elif extra is not None:
        columns = [c for c in wanted if c in extra]
        if columns:
            frames.append(extra.melt(id_vars=["level", "domain", "edition"], value_vars=columns,
                                     var_name="score"))
    if not frames:
        return pd.DataFrame(columns=["level", "domain", "edition", "score", "value"])
    series = pd.concat(frames, ignore_index=True)
    series["edition"] = series["edition"].astype(int)
    series = series.dropna(subset=["value"])
    return series.drop_duplicates(["level", "domain", "edition", "score"], keep="first")
