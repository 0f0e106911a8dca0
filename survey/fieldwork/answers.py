"""The answers file of an edition: one row per sample unit, one column per variable.

One builder for both readers of the answers:
- the statistician's export at /staff/export (`header` and `rows`, streamed as CSV or Excel):
  the unit columns, then the variables alphabetically;
- the analysis frame that weighting (`data: db`) and the edition report read
  (`analysis_frame`, typed; `answers_frame`, plain text): the same unit columns, then the
  variables in questionnaire order, as a DataFrame.
Both select the units with one `AnswersQuery` and the unit columns from one list.

Only statistics-side tables are read (`sample_unit`, `area`, `answer`): the identity tables,
with names, addresses, phone numbers and personal codes, are never joined, so no export can
carry them. The unit id is the opaque sample id.

A full edition holds about 30,000 completes with some 4.5 million answers. The export streams:
units and answers are read as two cursors ordered by unit id and merged, and nothing larger
than one unit's answers is held in memory. The frames read the edition's wide snapshot
(`survey.fieldwork.wide_table`), which pivots only the units completed since the last read.
"""

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from survey import storage
from survey.errors import InputError
from survey.fieldwork import wide_table
from survey.fieldwork.dispositions import disposition_column
from survey.models import Answer, Area, Edition, SampleUnit
from survey.questionnaire.loader import load_all

_UNIT_SELECT = (
    ("sample_unit_id", SampleUnit.id),
    ("wijk_code", SampleUnit.wijk_code),
    ("wijk", Area.wijk),
    ("gebied", Area.gebied),
    ("questionnaire_id", SampleUnit.questionnaire_id),
    # the version of the questionnaire the unit answered (migration 0006); empty before
    ("questionnaire_version", SampleUnit.questionnaire_version),
    ("wave", SampleUnit.wave),
    ("status", SampleUnit.status),
    ("disposition", None),  # filled in with disposition_column()
    ("mode", SampleUnit.mode),
    ("started_at", SampleUnit.started_at),
    ("completed_at", SampleUnit.completed_at),
    ("stratum_population", SampleUnit.stratum_population),
    ("inclusion_probability", SampleUnit.inclusion_probability),
    ("design_weight", SampleUnit.design_weight),
    ("age_group", SampleUnit.age_group),
    ("sex", SampleUnit.sex),
    ("migration_background", SampleUnit.migration_background),
    ("household_type", SampleUnit.household_type),
)
UNIT_COLUMNS = [name for name, _ in _UNIT_SELECT]
"""The unit's columns, first in every answers file; every other column is a variable."""
IDENTITY_COLUMNS = frozenset({"register_id", "given_name", "family_name", "street", "house_number",
                              "postcode", "phone", "birth_date", "access_code", "code_hash"})
assert not IDENTITY_COLUMNS & set(UNIT_COLUMNS)
_FRAME_TYPES = {"wijk_code": np.int64, "wave": np.int64, "stratum_population": np.int64,
                "inclusion_probability": float, "design_weight": float}

__all__ = ["UNIT_COLUMNS", "AnswersQuery", "unit_count", "header", "rows", "answers_table",
           "answers_frame", "analysis_frame", "store_analysis_snapshot", "questionnaire_order"]


@dataclass(frozen=True)
class AnswersQuery:
    """Which units go into the file.

    edition_id: the edition.
    questionnaire_id: only units of this questionnaire (the variables differ between the two).
    completed_only: only completed units; otherwise also those that started. A unit the
        screening closed (`screened_out`, not eligible) is never in the file.
    """

    edition_id: int
    questionnaire_id: str | None = None
    completed_only: bool = True

    def conditions(self):
        conditions = [SampleUnit.edition_id == self.edition_id]
        if self.questionnaire_id:
            conditions.append(SampleUnit.questionnaire_id == self.questionnaire_id)
        statuses = ("completed",) if self.completed_only else ("started", "completed")
        conditions.append(SampleUnit.status.in_(statuses))
        return conditions


def unit_count(db, query: AnswersQuery) -> int:
    return db.scalar(select(func.count()).select_from(SampleUnit).where(*query.conditions()))


def header(db, query: AnswersQuery) -> list[str]:
    """The unit columns of UNIT_COLUMNS, then the variables answered, alphabetically."""
    variables = db.scalars(
        select(Answer.variable).distinct()
        .join(SampleUnit, SampleUnit.id == Answer.sample_unit_id)
        .where(*query.conditions()).order_by(Answer.variable))
    return UNIT_COLUMNS + list(variables)


def _units(query: AnswersQuery):
    """The statement selecting UNIT_COLUMNS of the query's units, in unit id order."""
    columns = [disposition_column().label("disposition") if column is None else column
               for _, column in _UNIT_SELECT]
    return (select(*columns).join(Area, Area.wijk_code == SampleUnit.wijk_code)
            .where(*query.conditions()).order_by(SampleUnit.id))


def rows(db, query: AnswersQuery, columns: list[str], batch: int = 2000):
    """Yield one list per unit, in unit id order, matching `columns` (from `header`); an
    unanswered variable is None and a time is ISO text (YYYY-MM-DD HH:MM:SS)."""
    position = {variable: index for index, variable in enumerate(columns[len(UNIT_COLUMNS):])}
    units = db.execute(_units(query).execution_options(yield_per=batch))
    answers = iter(db.execute(
        select(Answer.sample_unit_id, Answer.variable, Answer.value)
        .join(SampleUnit, SampleUnit.id == Answer.sample_unit_id)
        .where(*query.conditions()).order_by(SampleUnit.id)
        .execution_options(yield_per=batch * 50)))
    pending = next(answers, None)
    for unit in units:
        values = [None] * len(position)
        # both cursors select the same units in the same ORDER BY (the database's own
        # collation), so a unit's answers come exactly when the unit does
        while pending is not None and pending[0] == unit[0]:
            index = position.get(pending[1])
            if index is not None:
                values[index] = pending[2]
            pending = next(answers, None)
        yield [_plain(value) for value in unit] + values


def _plain(value):
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value


def answers_table(db, edition_id: int, *, questionnaire_id: str | None = None,
                  completed_only: bool = True) -> tuple[list[str], list[list]]:
    """(header, rows) in memory; for tests and small editions. The web export streams."""
    query = AnswersQuery(edition_id, questionnaire_id, completed_only)
    columns = header(db, query)
    return columns, list(rows(db, query, columns))


def _completed_units_and_answers(db, edition_year, source=None):
    """The edition's completed units (UNIT_COLUMNS, times as text) and their wide answers,
    the snapshot brought up to date first (`wide_table.read_edition`, with `source`)."""
    chosen = select(Edition.id).order_by(Edition.year.desc()).limit(1)
    if edition_year is not None:
        chosen = select(Edition.id).where(Edition.year == edition_year)
    edition_id = db.scalar(chosen)
    if edition_id is None:
        which = "no edition" if edition_year is None else f"no edition {edition_year}"
        raise InputError(storage.display_url(db.get_bind().url),
                         f"{which}; seed one with `wijkprofiel demo seed`")
    query = AnswersQuery(edition_id)
    # Core rows as plain tuples: the ORM's row handling cost more than the query
    found = db.connection().execute(_units(query)).all()
    units = pd.DataFrame([tuple(row) for row in found], columns=UNIT_COLUMNS, dtype=object)
    for column in ("started_at", "completed_at"):
        units[column] = units[column].map(_plain)
    wide = wide_table.read_edition(db, edition_id, query.conditions(),
                                   units["sample_unit_id"].astype(str),
                                   units["completed_at"].fillna(""), source=source)
    return units, wide


def store_analysis_snapshot(db, edition_year: int, units, variables, values) -> int:
    """Bring the edition's wide snapshot up to date from answers held in memory (one entry per
    answer just written: unit id, variable, text or None; `wide_table.from_long`) instead of
    pivoting them back out of the answer table, so that the first report reads it ready.
    Written in the caller's transaction `db`. Returns the number of units in the snapshot."""
    def source(ids, stamps):
        return wide_table.from_long(ids, stamps, units, variables, values)

    _, wide = _completed_units_and_answers(db, edition_year, source=source)
    return len(wide.unit_ids)


def analysis_frame(db, edition_year: int | None = None,
                   questionnaires: dict | None = None) -> pd.DataFrame:
    """The analysis file, typed: completed units with their design, auxiliaries and answers.

    Args:
        db: a session in a transaction (`storage.transaction`); the snapshot brought up to
            date is written in it, so commit it soon (the report reads in a short transaction
            of its own).
        edition_year: the edition (default: the latest in the database).
        questionnaires: {id: Questionnaire} whose variable order orders the columns (default:
            `load_all()`).
    Returns:
        DataFrame ordered by sample_unit_id with `UNIT_COLUMNS` (numbers as numbers, times as
        ISO text as in the export), then one column per answered variable in questionnaire
        order (variables of no questionnaire last, alphabetically), each a pandas Categorical
        of the stored text: a number as its digits, a multiple choice as its values separated
        by spaces, a non-substantive answer such as "weet_niet" as itself; missing (NaN)
        where a unit has no answer (not asked, or skipped). The answers come from the
        edition's wide snapshot (`survey.fieldwork.wide_table`), brought up to date first.
    Raises:
        InputError: the database has no such edition (or none at all).
    """
    units, wide = _completed_units_and_answers(db, edition_year)
    rows = pd.Index(wide.unit_ids).get_indexer(units["sample_unit_id"].astype(str))
    if questionnaires is None:
        questionnaires = load_all()
    # every unit is in the snapshot just brought up to date, usually in the same order (both
    # by unit id); the columns are cut from one transposed copy, a variable per row
    if len(rows) == len(wide.unit_ids) and np.array_equal(rows, np.arange(len(rows))):
        codes = wide.codes
    else:
        codes = wide.codes[rows]
    by_variable = np.ascontiguousarray(codes.T)
    index = {name: j for j, name in enumerate(wide.variables)}
    columns = {}
    for name in questionnaire_order(wide.variables, questionnaires):
        j = index[name]
        columns[name] = pd.Categorical.from_codes(by_variable[j], wide.categories[j], validate=False)
    answers = pd.DataFrame(columns, index=pd.RangeIndex(len(units)))
    return pd.concat([units.astype(_FRAME_TYPES), answers], axis=1)


def questionnaire_order(variables, questionnaires: dict) -> list:
    """`variables` in the questionnaires' order: by mean relative position over the
    questionnaires that ask them (the two share their opening and closing questions), then
    the variables no questionnaire asks, alphabetically."""
    position = {}
    for questionnaire in questionnaires.values():
        names = questionnaire.variables()
        for index, name in enumerate(names):
            position.setdefault(name, []).append(index / max(len(names) - 1, 1))
    known = sorted((v for v in variables if v in position),
                   key=lambda v: (sum(position[v]) / len(position[v]), v))
    return known + sorted(v for v in variables if v not in position)


def answers_frame(db, edition_year: int | None = None) -> pd.DataFrame:
    """The analysis file as plain text: `analysis_frame` with each answer column as objects
    (the stored text, None where a unit has no answer). Use `pd.to_numeric` for numbers.

    Raises:
        InputError: the database has no such edition (or none at all).

    >>> with storage.transaction("sqlite:///instance/wijkprofiel.db") as db:  # doctest: +SKIP
    ...     frame = answers_frame(db)
    >>> frame[["wijk", "design_weight", "buurt_cijfer"]].head(1)       # doctest: +SKIP
             wijk  design_weight buurt_cijfer
    0  Spangen       7.81             7
    """
    frame = analysis_frame(db, edition_year)
    for name in frame.columns[len(UNIT_COLUMNS):]:
        column = frame[name].array
        texts = np.append(np.asarray(column.categories, dtype=object), None)
        frame[name] = pd.Series(texts[column.codes], index=frame.index, dtype=object)
    return frame
