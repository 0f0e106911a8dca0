"""Open data of the public site: per level (stad, gebied, wijk) the indicators and the index
scores as a CSV for Dutch Excel (semicolons, decimal commas, UTF-8 with BOM), a plain UTF-8 CSV
(commas, decimal points) and JSON; a data dictionary (CSV, Dutch and English) and the CC-BY 4.0
licence statement.

The values are the report's: shares as percentages (the report's 0-1 share times 100, changes
in percentage points), means as they are. What the report does not publish (its small-cell
rule) stays empty here too, with the report's reason.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

from survey.publish.inputs import SiteData
from survey.publish.texts import N_, band, translations
from weighting.safe_cells import spreadsheet_safe

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.nl"
LEVEL_NAMES = {"stad": "stad", "gebied": "gebieden", "wijk": "wijken"}

# column -> (meaning, type); the meanings go through Babel
INDICATOR_DICTIONARY = [
    ("editie", N_("Jaar van de editie van het Wijkprofiel"), "integer"),
    ("niveau", N_("Niveau: stad, gebied of wijk"), "text"),
    ("gebied", N_("Gebied waarin de wijk ligt (leeg voor de stad en de gebieden)"), "text"),
    ("wijk_code", N_("Code van de wijk (leeg voor de stad en de gebieden)"), "integer"),
    ("naam", N_("Naam van de stad, het gebied of de wijk"), "text"),
    ("indicator", N_("Code van de indicator"), "text"),
    ("omschrijving", N_("Omschrijving van de indicator, zoals in het rapport"), "text"),
    ("index", N_("Index waartoe de indicator behoort: veiligheid, sociaal of fysiek"), "text"),
    ("thema", N_("Thema binnen de index"), "text"),
    ("eenheid", N_("Eenheid: procent (van de bewoners van 15 jaar en ouder), gemiddelde of "
                       "verhouding (zoals per 100 auto's, zie de omschrijving)"), "text"),
    ("richting", N_("Of een hogere waarde beter (higher_is_better) of slechter is"), "text"),
    ("waarde", N_("Gewogen schatting; leeg als die niet gepubliceerd wordt"), "number"),
    ("se", N_("Standaardfout van de schatting"), "number"),
    ("ci_laag", N_("Ondergrens van het 95%-betrouwbaarheidsinterval"), "number"),
    ("ci_hoog", N_("Bovengrens van het 95%-betrouwbaarheidsinterval"), "number"),
    ("n", N_("Aantal respondenten met een geldig antwoord"), "integer"),
    ("vorige_waarde", N_("Schatting in de vorige editie"), "number"),
    ("verschil", N_("Verschil met de vorige editie (bij procenten in procentpunten)"), "number"),
    ("significant", N_("Verschil statistisch significant volgens het rapport (ja of nee)"), "text"),
    ("toets", N_("Toets waarmee het verschil is beoordeeld"), "text"),
    ("q", N_("Voor meervoudig toetsen gecorrigeerde p-waarde (FDR)"), "number"),
    ("niet_gepubliceerd", N_("Reden waarom de schatting niet (volledig) gepubliceerd wordt"), "text"),
    ("indicatief", N_("Schatting op weinig respondenten, alleen indicatief (ja of nee)"), "text"),
]
SCORE_DICTIONARY = [
    ("editie", N_("Jaar van de editie van het Wijkprofiel"), "integer"),
    ("niveau", N_("Niveau: stad, gebied of wijk"), "text"),
    ("gebied", N_("Gebied waarin de wijk ligt (leeg voor de stad en de gebieden)"), "text"),
    ("wijk_code", N_("Code van de wijk (leeg voor de stad en de gebieden)"), "integer"),
    ("naam", N_("Naam van de stad, het gebied of de wijk"), "text"),
    ("<index>", N_("Indexscore, deel of thema (100 = Rotterdam in 2014)"), "number"),
    ("<index> <jaar>", N_("Dezelfde score in een eerdere editie"), "number"),
    ("verschil <index>", N_("Verschil met de vorige editie in punten"), "number"),
    ("band <index>", N_("Band: ver onder, onder, rond, boven of ver boven het Rotterdamse "
                        "gemiddelde"), "text"),
    ("<index> se", N_("Standaardfout van de score"), "number"),
    ("<index> ci_low", N_("Ondergrens van het 95%-betrouwbaarheidsinterval van de score"), "number"),
    ("<index> ci_high", N_("Bovengrens van het 95%-betrouwbaarheidsinterval van de score"), "number"),
    ("markering_5_punten", N_("Verschuiving van 5 punten of meer waarvan het "
                              "95%-betrouwbaarheidsinterval 0 uitsluit, volgens het rapport "
                              "(ja of nee)"), "text"),
]


def _area_columns(table: pd.DataFrame, data: SiteData) -> pd.DataFrame:
    gebied = dict(zip(data.areas["wijk"], data.areas["gebied"]))
    code = dict(zip(data.areas["wijk"], data.areas["wijk_code"]))
    is_wijk = table["level"] == "wijk"
    return pd.DataFrame({
        "editie": data.edition, "niveau": table["level"],
        "gebied": table["domain"].where(is_wijk).map(gebied),
        "wijk_code": table["domain"].where(is_wijk).map(code).astype("Int64"),
        "naam": table["domain"],
    }, index=table.index)


def indicator_table(data: SiteData, level: str) -> pd.DataFrame:
    rows = data.indicators[data.indicators["level"] == level]
    factor = np.where(rows["kind"] == "proportion", 100.0, 1.0)
    shown = rows["published"].to_numpy()

    def value(column):
        return pd.Series(np.where(shown, rows[column].to_numpy(dtype=float) * factor, np.nan),
                         index=rows.index)

    table = _area_columns(rows, data)
    table["indicator"] = rows["indicator"]
    table["omschrijving"] = rows["label"]
    table["index"] = rows["index"]
    table["thema"] = rows["theme"]
    table["eenheid"] = rows["kind"].map({"proportion": "procent", "mean": "gemiddelde",
                                         "ratio": "verhouding"})
    table["richting"] = rows["direction"]
    for out, column in (("waarde", "estimate"), ("se", "se"), ("ci_laag", "ci_low"),
                        ("ci_hoog", "ci_high"), ("vorige_waarde", "previous"),
                        ("verschil", "change")):
        table[out] = value(column)
    table["n"] = rows["n"].astype("Int64")
    significant = rows["significant"].where(shown)
    table["significant"] = significant.map(lambda v: "" if pd.isna(v) else ("ja" if v else "nee"))
    table["toets"] = rows["change_test"].astype(object).where(rows["change_test"].notna(), "")
    table["q"] = rows["q"].where(shown)
    table["niet_gepubliceerd"] = rows["suppressed"].astype(object).where(rows["suppressed"].notna(), "")
    table["indicatief"] = np.where(shown, np.where(rows["indicative"].to_numpy(dtype=bool), "ja", "nee"), "")
    return table.reset_index(drop=True)


def score_table(data: SiteData, level: str) -> pd.DataFrame:
    rows = data.scores[data.scores["level"] == level]
    # columns gathered first and joined once: inserting them one by one fragments the frame
    columns: dict[str, object] = {}
    for spec in data.indices:
        for column in [spec.column, *spec.parts, *[t for p in spec.parts for t in spec.themes.get(p, [])]]:
            if column not in rows:
                continue
            columns[column] = rows[column]
            for year in sorted({int(c.rsplit(" ", 1)[1]) for c in rows.columns
                                if c.startswith(column + " ") and c.rsplit(" ", 1)[1].isdigit()}):
                columns[f"{column} {year}"] = rows[f"{column} {year}"]
            if f"change {column}" in rows:
                columns[f"verschil {column}"] = rows[f"change {column}"]
            for suffix in (" se", " ci_low", " ci_high"):
                if column + suffix in rows:
                    columns[column + suffix] = rows[column + suffix]
            given = rows[f"{column} band"] if f"{column} band" in rows else None
            columns[f"band {column}"] = pd.Series(
                [band(v, None if given is None else g) or ""
                 for v, g in zip(rows[column], given if given is not None else [None] * len(rows))],
                index=rows.index)
    if "flag_5_points" in rows:
        columns["markering_5_punten"] = rows["flag_5_points"].map(
            lambda v: "" if pd.isna(v) else ("ja" if str(v) == "True" or v is True else "nee"))
    table = pd.concat([_area_columns(rows, data), pd.DataFrame(columns, index=rows.index)], axis=1)
    return table.reset_index(drop=True)


def _json_value(value):
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def _write_tables(table: pd.DataFrame, stem: Path) -> list[Path]:
    safe = spreadsheet_safe(table)
    excel = stem.with_name(stem.name + ".csv")
    safe.to_csv(excel, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    plain = stem.with_name(stem.name + ".utf8.csv")
    safe.to_csv(plain, index=False, encoding="utf-8")
    return [excel, plain]


def file_stem(data: SiteData, what: str, level: str) -> str:
    return f"wijkprofiel-{data.edition}-{what}-{LEVEL_NAMES[level]}"


def write_open_data(data: SiteData, data_dir: Path) -> list[Path]:
    """Write every open data file into `data_dir`; return the paths."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for level in LEVEL_NAMES:
        indicators, scores = indicator_table(data, level), score_table(data, level)
        written += _write_tables(indicators, data_dir / file_stem(data, "indicatoren", level))
        written += _write_tables(scores, data_dir / file_stem(data, "indexscores", level))
        document = {
            "titel": f"Wijkprofiel Rotterdam {data.edition}: {LEVEL_NAMES[level]}",
            "editie": data.edition, "vorige_editie": data.previous, "niveau": level,
            "licentie": "CC BY 4.0", "licentie_url": LICENCE_URL,
            "bron": f"Gemeente Rotterdam, Wijkprofiel {data.edition}",
            "indexscores": [{k: _json_value(v) for k, v in r.items()}
                            for r in scores.to_dict("records")],
            "indicatoren": [{k: _json_value(v) for k, v in r.items()}
                            for r in indicators.to_dict("records")],
        }
        path = data_dir / f"wijkprofiel-{data.edition}-{LEVEL_NAMES[level]}.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        written.append(path)
    postcodes = data_dir / "postcodes-pc4-wijk.csv"
    data.postcodes[["postcode", "wijk_code", "wijk", "gebied"]].pipe(spreadsheet_safe).to_csv(
        postcodes, sep=";", index=False, encoding="utf-8")
    written.append(postcodes)
    written.append(write_dictionary(data_dir / "datawoordenboek.csv"))
    licence = data_dir / "LICENTIE.txt"
    licence.write_text(licence_text(data.edition), encoding="utf-8")
    written.append(licence)
    return written


def licence_text(edition: int) -> str:
    return (
        f"Wijkprofiel Rotterdam {edition} - open data\n\n"
        "Deze gegevens zijn vrij te gebruiken onder de licentie Creative Commons Naamsvermelding "
        f"4.0 Internationaal (CC BY 4.0), {LICENCE_URL}.\n"
        "U mag de gegevens delen en bewerken, ook voor commerciele doeleinden, als u de bron "
        f"vermeldt: \"Gemeente Rotterdam, Wijkprofiel {edition}\", en aangeeft of u iets "
        "veranderd heeft.\n\n"
        "These data may be used freely under the Creative Commons Attribution 4.0 International "
        "licence (CC BY 4.0), https://creativecommons.org/licenses/by/4.0/. You may share and "
        "adapt them, also commercially, if you credit the source: \"Gemeente Rotterdam, "
        f"Wijkprofiel {edition}\", and indicate whether you made changes.\n")


def write_dictionary(path: Path) -> Path:
    """The data dictionary: table, column, type, meaning in Dutch and in English."""
    english = translations("en").gettext
    rows = [{"tabel": table, "kolom": column, "type": kind, "betekenis": meaning,
             "meaning": english(meaning)}
            for table, entries in (("indicatoren", INDICATOR_DICTIONARY),
                                   ("indexscores", SCORE_DICTIONARY))
            for column, meaning, kind in entries]
    pd.DataFrame(rows).to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    return path


def dictionary(language: str, _) -> list:
    """The dictionary for the open data page, in the page's language."""
    return [{"table": table, "column": column, "type": kind, "meaning": _(meaning)}
            for table, entries in (("indicatoren", INDICATOR_DICTIONARY),
                                   ("indexscores", SCORE_DICTIONARY))
            for column, meaning, kind in entries]


def listing(data: SiteData) -> list:
    """The downloads per level, for the open data page."""
    rows = []
    for level in LEVEL_NAMES:
        rows.append({"level": level, "files": [
            (what, file_stem(data, what, level) + ".csv", file_stem(data, what, level) + ".utf8.csv")
            for what in ("indicatoren", "indexscores")],
            "json": f"wijkprofiel-{data.edition}-{LEVEL_NAMES[level]}.json"})
    return rows
