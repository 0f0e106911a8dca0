"""The codebook of an edition and its labelled data: every variable with its question text,
answer labels, type, questionnaire id and version, and the edition, exported with the answers
as SPSS (.sav with variable labels, value labels and user-missing codes), as a readable HTML
page and as CSV.

Coding, the same in every edition so that editions stay comparable:

- a choice answer is coded 1, 2, ... in the order of its substantive options, and its
  non-substantive answers ("weet niet", "geen antwoord") -1, -2, ..., declared user-missing;
  the stored value (`vaak`, `soms`: stable across editions) is in the codebook beside its code;
- a multiple-choice question becomes one 0/1 variable per option, `<variable>_<value>`;
- a number is itself, with its non-substantive answers coded -1, -2, ... (user-missing);
- text and dates stay text (dates ISO 8601);
- no identity column: respondents are numbered 1..n, the database's unit id is not exported.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from survey.fieldwork.answers import UNIT_COLUMNS
from weighting.safe_cells import spreadsheet_safe

EDITION_FILES = ("answers.sav", "codebook.html", "codebook.csv")
FINGERPRINT_FILE = ".made-of"
FILES_FORMAT = 2  # raise when the files' content changes for the same input
SPSS_NAME_BYTES = 64
MISSING_RANGE = {"lo": -99, "hi": -1}
_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("survey.report", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)

DESIGN_VARIABLES = {
    "respondent": ("Respondentnummer (volgnummer in dit bestand)", "number"),
    "questionnaire_id": ("Vragenlijst die de respondent kreeg", "single"),
    "questionnaire_version": ("Versie van de vragenlijst bij het eerste antwoord", "single"),
    "wijk_code": ("Wijk (code; steekproefstratum)", "single"),
    "gebied": ("Gebied", "text"),
    "mode": ("Wijze van invullen", "single"),
    "design_weight": ("Designgewicht: inwoners 15+ / bruto steekproef in de wijk", "number"),
    "stratum_population": ("Inwoners 15+ in de wijk (eindige-populatiecorrectie)", "number"),
    "age_group": ("Leeftijdsgroep (register)", "single"),
    "sex": ("Geslacht (register)", "single"),
    "migration_background": ("Migratieachtergrond (register)", "single"),
    "household_type": ("Huishoudtype (register)", "single"),
    "weight": ("Eindgewicht: per wijk gekalibreerd (raking) op de registermarges", "number"),
}
MODE_LABELS = {"web": "internet", "paper": "papier", "phone": "telefoon"}


@dataclass
class Variable:
    """One column of the exported file, as the codebook describes it."""

    name: str
    label: str
    type: str
    source: str  # the stored variable (or design column) it comes from
    questionnaires: str  # "veiligheidsmonitor 2024.1, wijkonderzoek 2024.1" or "steekproef"
    value_labels: dict  # code -> label
    stored_values: dict  # code -> stored value
    missing_codes: tuple
    valid: int = 0
    question_id: str = ""
    section: str = ""
    series: str = ""  # from the questionnaire's version history: "nieuw in 2024.2", a break, ...


SERIES_WORDS = {"starts": "nieuw in {version}", "break": "breuk in de reeks in {version}",
                "continues": "reeks loopt door in {version}", "ends": "vervallen in {version}"}


def series_note(questionnaire, variable: str) -> str:
    """What the questionnaire's version history says about `variable`, newest first, e.g.
    "breuk in de reeks in 2024.2 (wording): ..."; empty when the history does not name it."""
    notes = []
    for entry in questionnaire.history:
        for change in entry.changes:
            if variable in change.variables:
                words = SERIES_WORDS[change.series].format(version=entry.version)
                notes.append(f"{words} ({change.change}): {change.note}")
    return " | ".join(notes)


def _spss_name(name: str, taken: set) -> str:
    candidate = name.encode("utf-8")[:SPSS_NAME_BYTES].decode("utf-8", "ignore")
    suffix = 2
    while candidate.lower() in taken:
        tail = f"_{suffix}"
        candidate = name[: SPSS_NAME_BYTES - len(tail)] + tail
        suffix += 1
    taken.add(candidate.lower())
    return candidate


def _variable_infos(name, questionnaires):
    return [(q, q.variable_info(name)) for q in questionnaires.values() if name in q.variables()]


def _choice_codes(infos):
    """code -> (value, label) for the union of options over the questionnaires: substantive
    1, 2, ... and non-substantive -1, -2, ..."""
    substantive, missing = {}, {}
    for _, info in infos:
        missing_values = set(info.missing_values)
        for option in info.options:
            target = missing if option.value in missing_values else substantive
            target.setdefault(option.value, option.label)
    codes = {i + 1: item for i, item in enumerate(substantive.items())}
    codes.update({-(i + 1): item for i, item in enumerate(missing.items())})
    return codes


def _coded(series: pd.Series, lookup: dict) -> np.ndarray:
    """`lookup[value]` per row as float, NaN for a missing or unknown value (vectorised: a
    dict `map` over 30,000 rows x 300 variables is the slow part otherwise)."""
    values = list(lookup)
    codes = pd.Index(values, dtype=object).get_indexer(series.astype(object))
    table = np.append(np.array([lookup[v] for v in values], dtype=float), np.nan)
    return table[np.where(codes < 0, len(values), codes)]


def _chosen(series: pd.Series) -> pd.DataFrame:
    """0/1 per chosen value (columns, sorted) for a multiple-choice answer stored
    space-separated. Filled by position in one numpy array: `pd.crosstab` took half a second
    per question at 30,000 respondents (14 s for two editions)."""
    exploded = series.dropna().astype(str).str.split().explode().dropna()
    if exploded.empty:
        return pd.DataFrame(index=series.index)
    codes, values = pd.factorize(exploded.to_numpy(), sort=True)
    matrix = np.zeros((len(series), len(values)), dtype=np.int64)
    matrix[series.index.get_indexer(exploded.index), codes] = 1
    return pd.DataFrame(matrix, index=series.index, columns=values)


def edition_codebook(frame: pd.DataFrame, weights: pd.Series, questionnaires: dict,
                     year: int) -> tuple[pd.DataFrame, list[Variable]]:
    """The edition's answers as a coded, labelled table and the codebook describing it.

    Args:
        frame: `survey.fieldwork.answers.answers_frame` of the edition.
        weights: final weight per row of `frame`.
        questionnaires: {id: Questionnaire} that the answers were given to.
        year: the edition.

    Returns:
        (data, variables): data has one column per Variable, in codebook order.
    """
    data, variables, taken = {}, [], set()
    n = len(frame)

    def add(variable: Variable, values):
        variable.name = _spss_name(variable.name, taken)
        values = pd.Series(np.asarray(values), index=frame.index)
        if variable.type in ("text", "date"):
            variable.valid = int((values.fillna("") != "").sum())
        else:
            numeric = pd.to_numeric(values, errors="coerce")
            variable.valid = int((numeric.notna() & ~numeric.isin(variable.missing_codes)).sum())
        data[variable.name] = values
        variables.append(variable)

    add(Variable("respondent", DESIGN_VARIABLES["respondent"][0], "number", "", "steekproef",
                 {}, {}, ()), np.arange(1, n + 1, dtype=float))
    design = {
        "questionnaire_id": {q: f"{questionnaires[q].title} (versie {questionnaires[q].version})"
                             if q in questionnaires else q
                             for q in sorted(frame["questionnaire_id"].dropna().unique())},
        # the version the respondent really answered (stored with the answers), which may
        # differ from the file's current version; empty for units answered before it was kept
        "questionnaire_version": {v: f"versie {v}" for v in
                                  sorted(frame["questionnaire_version"].dropna().unique())},
        "wijk_code": dict(sorted(frame.groupby("wijk_code")["wijk"].first().items())),
        "mode": {m: MODE_LABELS.get(m, m) for m in sorted(frame["mode"].dropna().unique())},
    }
    for column in ("age_group", "sex", "migration_background", "household_type"):
        design[column] = {c: c for c in sorted(frame[column].dropna().unique())}
    for column, (label, kind) in DESIGN_VARIABLES.items():
        if column == "respondent":
            continue
        if column == "weight":
            values = np.asarray(weights, dtype=float)
            add(Variable(column, label, kind, column, "weging", {}, {}, ()), values)
        elif column == "wijk_code":
            codes = design[column]
            add(Variable(column, label, "single", column, "steekproef",
                         {int(k): v for k, v in codes.items()}, {int(k): str(k) for k in codes},
                         ()), frame[column].astype(float))
        elif column in design:
            codes = {i + 1: (value, text) for i, (value, text) in enumerate(design[column].items())}
            lookup = {value: code for code, (value, _) in codes.items()}
            add(Variable(column, label, "single", column, "steekproef",
                         {c: t for c, (_, t) in codes.items()}, {c: v for c, (v, _) in codes.items()},
                         ()), _coded(frame[column], lookup))
        elif kind == "text":
            add(Variable(column, label, "text", column, "steekproef", {}, {}, ()),
                frame[column].fillna("").astype(str))
        else:
            add(Variable(column, label, kind, column, "steekproef", {}, {}, ()),
                pd.to_numeric(frame[column], errors="coerce").astype(float))

    answer_columns = [c for c in frame.columns if c not in UNIT_COLUMNS]
    for name in answer_columns:
        series = frame[name]
        if isinstance(series.dtype, pd.CategoricalDtype):
            # code each distinct answer once (the categories, then None for no answer) and
            # spread the results to the rows
            column = series.array
            distinct = pd.Series(np.append(np.asarray(column.categories, dtype=object), None),
                                 dtype=object)
            rows = np.where(column.codes < 0, len(distinct) - 1, column.codes)
            for variable, values in _answer_variables(name, distinct, questionnaires):
                add(variable, np.asarray(values)[rows])
        else:
            for variable, values in _answer_variables(name, series, questionnaires):
                add(variable, values)
    return pd.DataFrame(data, index=frame.index), variables


def _answer_variables(name: str, series: pd.Series, questionnaires: dict):
    """The exported variables of one stored variable with their values per row of `series`
    (the stored texts, None for no answer): a choice coded, a multiple choice as one 0/1
    variable per option, a number with its missing codes, text as text."""
    series = series.reset_index(drop=True)
    infos = _variable_infos(name, questionnaires)
    if not infos:
        yield (Variable(name, f"{name} (in geen van de vragenlijsten van dit rapport)", "text",
                        name, "onbekend", {}, {}, ()), series.fillna("").astype(str))
        return
    questionnaire, info = infos[0]
    where = ", ".join(f"{q.id} {q.version}" for q, _ in infos)
    section = next((s.title for s in questionnaire.sections if s.id == info.question.section_id), "")
    history = "; ".join(dict.fromkeys(
        note for note in (series_note(q, name) for q, _ in infos) if note))
    common = dict(source=name, questionnaires=where, question_id=info.question.id,
                  section=section, series=history)
    kind = info.type
    if kind == "multiple":
        codes = _choice_codes(infos)
        chosen = _chosen(series)
        answered = (series.notna() & (series.astype(str).str.strip() != "")).to_numpy()
        for code, (value, text) in sorted(codes.items(), key=lambda kv: (kv[0] < 0, abs(kv[0]))):
            hit = chosen[value].to_numpy(dtype=float) if value in chosen else np.zeros(len(series))
            yield (Variable(f"{name}_{value}", f"{info.label}: {text}", "multiple (0/1)",
                            value_labels={0: "niet gekozen", 1: "gekozen"},
                            stored_values={0: "", 1: value}, missing_codes=(), **common),
                   np.where(answered, hit, np.nan))
    elif kind == "single":
        codes = _choice_codes(infos)
        lookup = {value: code for code, (value, _) in codes.items()}
        yield (Variable(name, info.label, "single",
                        value_labels={c: t for c, (_, t) in codes.items()},
                        stored_values={c: v for c, (v, _) in codes.items()},
                        missing_codes=tuple(c for c in codes if c < 0), **common),
               _coded(series, lookup))
    elif kind == "number":
        codes = {-(i + 1): (o.value, o.label) for i, o in enumerate(info.question.missing_options)}
        lookup = {value: code for code, (value, _) in codes.items()}
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        values = np.where(np.isnan(numbers), _coded(series, lookup) if lookup else np.nan, numbers)
        unit = f" ({info.question.unit})" if info.question.unit else ""
        yield (Variable(name, info.label + unit, "number",
                        value_labels={c: t for c, (_, t) in codes.items()},
                        stored_values={c: v for c, (v, _) in codes.items()},
                        missing_codes=tuple(codes), **common), values)
    else:  # text, date
        yield (Variable(name, info.label, kind, value_labels={}, stored_values={},
                        missing_codes=(), **common), series.fillna("").astype(str))


def codebook_table(variables: list[Variable], year: int) -> pd.DataFrame:
    """The codebook as one row per variable (for CSV)."""
    rows = []
    for v in variables:
        rows.append({
            "variable": v.name, "label": v.label, "type": v.type, "source": v.source,
            "questionnaires": v.questionnaires, "edition": year, "section": v.section,
            "question_id": v.question_id,
            "values": "; ".join(f"{c} = {v.stored_values.get(c, '')} = {t}"
                                for c, t in v.value_labels.items()),
            "missing_codes": " ".join(str(c) for c in v.missing_codes), "valid": v.valid,
            "series": v.series,
        })
    return pd.DataFrame(rows)


def fingerprint(frame: pd.DataFrame, weights: np.ndarray, questionnaires: dict,
                year: int) -> str:
    """What the edition's files are made of: the answers and design columns, the weights, and
    the questionnaire files (their text, so a changed label counts too). The same answers give
    the same digest as text or as Categoricals, whatever categories no one gave."""
    digest = hashlib.sha256(f"{FILES_FORMAT} {year} {list(frame.columns)}".encode())
    for _, column in frame.iloc[:, len(UNIT_COLUMNS):].items():
        values = column.array if isinstance(column.dtype, pd.CategoricalDtype) else pd.Categorical(column)
        codes, categories = _used_codes(values)
        digest.update(codes.tobytes())
        digest.update("\x1f".join(map(str, categories)).encode() + b"\x1e")
    for _, column in frame.iloc[:, :len(UNIT_COLUMNS)].items():
        # each distinct value once, the rows as codes (hashing every text was the slow part)
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        digest.update(np.asarray(codes, dtype=np.int64).tobytes())
        digest.update("\x1f".join(map(repr, uniques.tolist())).encode() + b"\x1e")
    digest.update(np.ascontiguousarray(weights, dtype=float).tobytes())
    for questionnaire in sorted(questionnaires.values(), key=lambda q: q.id):
        digest.update(Path(questionnaire.path).read_bytes())
    return digest.hexdigest()


def _used_codes(values: pd.Categorical) -> tuple[np.ndarray, list]:
    """The codes (-1 = missing; int16, or int32 for 32,768 categories or more) and categories
    of `values` without its unused categories: what `remove_unused_categories` gives, without
    its sort of every row."""
    codes = np.asarray(values.codes)
    categories = values.categories.tolist()
    used = np.bincount(codes + 1, minlength=len(categories) + 1)[1:] > 0
    kept = int(used.sum())
    dtype = np.int16 if kept < 2**15 else np.int32
    if kept == len(categories):
        return codes.astype(dtype), categories
    renumber = np.append(np.cumsum(used) - 1, -1).astype(dtype)  # code -1 picks the last
    return renumber[codes], [c for c, u in zip(categories, used) if u]


def write_edition_files(directory: Path, frame: pd.DataFrame, weights: pd.DataFrame,
                        questionnaires: dict, year: int) -> list[Path]:
    """answers.sav, codebook.html and codebook.csv of one edition into `directory`.

    The files are written only when what they are made of changed (`fingerprint`, kept in
    `FINGERPRINT_FILE` beside them): a second report on the same answers and weights, such as
    the previous edition's in every run, keeps them (writing the labelled answers of a full
    edition takes a few seconds)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in EDITION_FILES]
    stamp = directory / FINGERPRINT_FILE
    made_of = fingerprint(frame, weights["weight"].to_numpy(), questionnaires, year)
    if (all(path.exists() for path in paths) and stamp.exists()
            and stamp.read_text(encoding="utf-8").strip() == made_of):
        return [paths[0], paths[1], paths[2]]
    stamp.unlink(missing_ok=True)  # written last: files interrupted halfway never match
    import pyreadstat  # only when the files are written: an unchanged edition needs none

    data, variables = edition_codebook(frame, weights["weight"].to_numpy(), questionnaires, year)
    sav = directory / EDITION_FILES[0]
    numeric = {v.name for v in variables if v.type not in ("text", "date")}
    pyreadstat.write_sav(
        data, str(sav),
        file_label=f"Wijkprofiel {year}: antwoorden, gewogen (codeboek: codebook.html)",
        column_labels={v.name: v.label[:255] for v in variables},
        variable_value_labels={v.name: v.value_labels for v in variables if v.value_labels},
        missing_ranges={v.name: [MISSING_RANGE] for v in variables
                        if v.missing_codes and v.name in numeric},
        variable_measure={v.name: ("scale" if v.type == "number" else "nominal")
                          for v in variables if v.name in numeric},
    )
    table = codebook_table(variables, year)
    csv = directory / EDITION_FILES[2]
    spreadsheet_safe(table).to_csv(csv, index=False)  # '-1 = weet_niet' is no formula
    html = directory / EDITION_FILES[1]
    answered = frame[["questionnaire_id", "questionnaire_version"]].dropna().drop_duplicates()
    versions = sorted({f"{q} {v}" for q, v in answered.itertuples(index=False)}
                      or {f"{q.id} {q.version}" for q in questionnaires.values()})
    html.write_text(_environment.get_template("codebook.html").render(
        year=year, variables=variables, n=len(frame), versions=versions,
        questionnaires=list(questionnaires.values()),
    ), encoding="utf-8")
    stamp.write_text(made_of + "\n", encoding="utf-8")
    return [sav, html, csv]
