"""The report's tables as CSV, Excel and SPSS (.sav with variable and value labels).

One row per indicator and domain (city, gebied, wijk). Categorical columns are numeric codes
with value labels in the .sav, as SPSS users expect; CSV and Excel keep the text.
"""

from pathlib import Path

import re

import numpy as np
import pandas as pd

from survey.report import made_of
from survey.report.xlsx import Sheet, write_workbook
from weighting.safe_cells import spreadsheet_safe

TABLES_FORMAT = 1  # raise when the files' content changes for the same table

COLUMN_LABELS = {
    "questionnaire": "Vragenlijst(en) die de indicator meten",
    "indicator": "Indicator (code)",
    "label": "Indicator (omschrijving)",
    "kind": "Soort indicator",
    "index": "Index waartoe de indicator behoort",
    "theme": "Thema",
    "direction": "Richting (hoger is beter of slechter)",
    "level": "Niveau",
    "domain": "Gebied of wijk (Rotterdam voor de stad)",
    "estimate": "Gewogen schatting (aandeel 0-1 of gemiddelde)",
    "se": "Standaardfout (Taylor-linearisatie)",
    "ci_low": "Ondergrens 95%-betrouwbaarheidsinterval",
    "ci_high": "Bovengrens 95%-betrouwbaarheidsinterval",
    "n": "Aantal respondenten met een geldig antwoord",
    "deff": "Design effect",
    "df": "Vrijheidsgraden (respondenten min strata)",
    "unweighted": "Ongewogen schatting",
    "previous": "Schatting vorige editie",
    "previous_se": "Standaardfout vorige editie",
    "previous_n": "Aantal respondenten vorige editie",
    "change": "Verschil met de vorige editie",
    "change_se": "Standaardfout van het verschil, wortel(se1^2 + se2^2)",
    "change_ci_low": "Ondergrens 95%-interval van het verschil (Newcombe voor aandelen)",
    "change_ci_high": "Bovengrens 95%-interval van het verschil (Newcombe voor aandelen)",
    "z": "z-waarde van het verschil (bij aandelen: de z van de p-waarde van Newcombe)",
    "p": "p-waarde (tweezijdig, ongecorrigeerd)",
    "q": "q-waarde: p gecorrigeerd voor meervoudig toetsen per niveau (Benjamini-Hochberg)",
    "change_test": "Toets van het verschil (leeg of 'geen toets: reden' als er geen basis is)",
    "significant": "Verschil gemarkeerd (volgens de publicatieregel: q < 5%, of p < 5% zonder correctie)",
    "suppressed": "Niet gepubliceerd, met de reden (te weinig respondenten)",
    "indicative": "Indicatief: gebaseerd op weinig respondenten",
}
CODED = {
    "kind": {1: "proportion", 2: "mean", 3: "ratio"},
    "level": {1: "stad", 2: "gebied", 3: "wijk"},
    "index": {1: "veiligheid", 2: "sociaal", 3: "fysiek"},
    "direction": {1: "higher_is_better", 2: "higher_is_worse"},
}
CODE_LABELS = {
    "kind": {1: "aandeel", 2: "gemiddelde", 3: "verhouding"},
    "level": {1: "stad", 2: "gebied", 3: "wijk"},
    "index": {1: "Veiligheidsindex", 2: "Sociale index", 3: "Fysieke index"},
    "direction": {1: "hoger is beter", 2: "hoger is slechter"},
    "significant": {0: "nee", 1: "ja"},
    "indicative": {0: "nee", 1: "ja"},
}


def spss_frame(indicators: pd.DataFrame) -> tuple[pd.DataFrame, dict, dict]:
    """The indicator table as SPSS wants it: coded categoricals, 0/1 for `significant`.

    Returns (frame, variable labels, value labels)."""
    frame = indicators.copy()
    for column, codes in CODED.items():
        if column in frame:
            lookup = {text: code for code, text in codes.items()}
            frame[column] = frame[column].map(lookup).astype(float)
    for flag in ("significant", "indicative"):
        if flag in frame:
            frame[flag] = frame[flag].astype("Float64").astype(float)
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].fillna("").astype(str)
    variable_labels = {c: COLUMN_LABELS.get(c, c) for c in frame.columns}
    value_labels = {c: labels for c, labels in CODE_LABELS.items() if c in frame}
    return frame, variable_labels, value_labels


def _write_excel(path: Path, table: pd.DataFrame, *, sheet_name: str, meanings: list[str],
                 freeze: str) -> None:
    """`table` as a spreadsheet-safe sheet with its panes frozen at `freeze` and a filter
    on every column, plus a sheet `toelichting` giving each column's meaning (written as
    SpreadsheetML directly, `survey.report.xlsx`: openpyxl's cell objects took seconds)."""
    about = pd.DataFrame({"kolom": list(table.columns), "betekenis": meanings})
    safe = spreadsheet_safe(table)
    write_workbook(path, [
        Sheet(sheet_name, [str(c) for c in safe.columns],
              [_excel_values(safe[c]) for c in safe.columns], freeze=freeze, autofilter=True),
        Sheet("toelichting", list(about.columns), [_excel_values(about[c]) for c in about.columns]),
    ])


def _excel_values(column: pd.Series) -> list:
    """A column as cell values: missing (NaN, None, NA) as an empty cell, numpy numbers as
    Python numbers."""
    values = column.astype(object).where(column.notna(), None).tolist()
    return [v.item() if isinstance(v, np.generic) else v for v in values]


def write_indicator_tables(out_dir: Path, indicators: pd.DataFrame, *, year: int,
                           previous: int | None = None, made_with: tuple = ()) -> list[Path]:
    """Write indicators.csv, indicators.xlsx (data plus a sheet explaining every column) and
    indicators.sav; return the paths. `made_with`: further inputs of the table (plain
    values) that a change of must write the files again."""
    out_dir = Path(out_dir)
    csv, xlsx, sav = (out_dir / f"indicators.{ext}" for ext in ("csv", "xlsx", "sav"))
    digest = made_of.table_digest(TABLES_FORMAT, year, previous, indicators, *made_with)
    if made_of.unchanged(out_dir, "indicators", digest, [csv, xlsx, sav]):
        return [csv, xlsx, sav]
    # area names and labels must not run as formulas in a spreadsheet (CSV injection); the
    # .sav keeps the plain text
    spreadsheet_safe(indicators).to_csv(csv, index=False)

    excel = indicators.copy()
    if "significant" in excel:
        excel["significant"] = excel["significant"].astype(object).where(excel["significant"].notna())
    _write_excel(xlsx, excel, sheet_name=f"indicatoren {year}",
                 meanings=[COLUMN_LABELS.get(c, c) for c in indicators.columns], freeze="A2")

    import pyreadstat  # only when a table is written: the loop on unchanged data needs none

    frame, variable_labels, value_labels = spss_frame(indicators)
    label = f"Wijkprofiel {year}: indicatoren per stad, gebied en wijk"
    if previous is not None:
        label += f", met verschil ten opzichte van {previous}"
    pyreadstat.write_sav(frame, str(sav), file_label=label, column_labels=variable_labels,
                         variable_value_labels=value_labels)
    made_of.record(out_dir, "indicators", digest, [csv, xlsx, sav])
    return [csv, xlsx, sav]


SCORE_COLUMN_LABELS = {
    "level": "Niveau", "domain": "Gebied of wijk (Rotterdam voor de stad)", "edition": "Editie",
    "indicators_used": "Aantal subjectieve indicatoren met een schatting",
    "register_used": "Aantal objectieve indicatoren uit het registerbestand",
    "previous_edition": "Vorige editie",
    "flag_score": "Score waarvan de verschuiving gemarkeerd wordt",
    "moved_5_points": "Verschuiving van 5 punten of meer (collegedoelstelling), zonder rekening met onzekerheid",
    "flag_5_points": "Verschuiving van 5 punten of meer waarvan het 95%-interval 0 uitsluit (gemarkeerd)",
}


def _score_label(column: str) -> str:
    """The label of a score column, including the uncertainty columns `<score> se` etc."""
    if column in SCORE_COLUMN_LABELS:
        return SCORE_COLUMN_LABELS[column]
    for suffix, text in ((" se", "standaardfout (bootstrapreplicaten)"),
                         (" ci_low", "ondergrens 95%-interval"), (" ci_high", "bovengrens 95%-interval")):
        if column.endswith(suffix):
            return f"{column[: -len(suffix)]}: {text}"
    return column


def _spss_names(columns) -> dict:
    """column -> a valid, unique SPSS variable name (letters, digits, _; at most 64 bytes;
    starting with a letter): `Veiligheidsindex -subjectief 2022` -> `veiligheidsindex_subjectief_2022`."""
    names, taken = {}, set()
    for column in columns:
        base = re.sub(r"[^0-9a-z]+", "_", str(column).lower()).strip("_") or "v"
        if not base[0].isalpha():
            base = "v_" + base
        name, suffix = base[:64], 2
        while name in taken:
            name = f"{base[:60]}_{suffix}"
            suffix += 1
        taken.add(name)
        names[column] = name
    return names


def write_score_tables(out_dir: Path, scores: pd.DataFrame, *, year: int,
                       previous: int | None = None, made_with: tuple = ()) -> list[Path]:
    """Write the index score table (one row per area: the Veiligheidsindex, its parts and
    themes, and the change) as index_scores.csv, index_scores.xlsx and index_scores.sav; the
    .sav has SPSS names with the full column name as variable label; return the paths.
    `made_with`: as in `write_indicator_tables`."""
    out_dir = Path(out_dir)
    csv, xlsx, sav = (out_dir / f"index_scores.{ext}" for ext in ("csv", "xlsx", "sav"))
    digest = made_of.table_digest(TABLES_FORMAT, year, previous, scores, *made_with)
    if made_of.unchanged(out_dir, "index_scores", digest, [csv, xlsx, sav]):
        return [csv, xlsx, sav]
    spreadsheet_safe(scores).to_csv(csv, index=False)

    labels = {c: _score_label(c) for c in scores.columns}
    _write_excel(xlsx, scores, sheet_name=f"indexscores {year}",
                 meanings=list(labels.values()), freeze="C2")

    import pyreadstat

    frame = scores.copy()
    frame["level"] = frame["level"].map({t: c for c, t in CODED["level"].items()}).astype(float)
    for flag in ("flag_5_points", "moved_5_points"):
        if flag in frame:
            frame[flag] = frame[flag].astype("Float64").astype(float)
    names = _spss_names(frame.columns)
    frame = frame.rename(columns=names)
    value_labels = {names["level"]: CODE_LABELS["level"]}
    for flag in ("flag_5_points", "moved_5_points"):
        if flag in names:
            value_labels[names[flag]] = CODE_LABELS["significant"]
    label = f"Wijkprofiel {year}: Veiligheidsindex per stad, gebied en wijk (100 = Rotterdam 2014)"
    if previous is not None:
        label += f", met verschil ten opzichte van {previous}"
    pyreadstat.write_sav(frame, str(sav), file_label=label,
                         column_labels={names[c]: labels[c][:255] for c in labels},
                         variable_value_labels=value_labels)
    made_of.record(out_dir, "index_scores", digest, [csv, xlsx, sav])
    return [csv, xlsx, sav]
