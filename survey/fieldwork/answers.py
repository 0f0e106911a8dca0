"""The answers file of an edition: one row per sample unit, one column per variable.

One builder for both readers of the answers:
- the statistician's export at /staff/export (`header` and `rows`, streamed as CSV or Excel):
  the unit columns, then the variables alphabetically;
- the analysis frame that weighting (`data: db`) and the edition report read (`answers_frame`):
  the same unit columns, then the variables in questionnaire order, as a DataFrame.
Both select the units with one `AnswersQuery` and the unit columns from one list.

Only statistics-side tables are read (`sample_unit`, `area`, `answer`): the identity tables,
with names, addresses, phone numbers and personal codes, are never joined, so no export can
carry them. The unit id is the opaque sample id.

A full edition holds about 30,000 completes with some 3 million answers. The export streams:
units and answers are read as two cursors ordered by unit id and merged, and nothing larger
than one unit's answers is held in memory. The frame fetches each unit's answers as one
aggregated string and splits them all at once, which is far faster than fetching millions of
rows (about 2 s for a full edition).
"""

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from survey import storage
from survey.errors import InputError
from survey.fieldwork.dashboard import disposition_column
from survey.models import Answer, Area, Edition, SampleUnit

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
           "answers_frame"]


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


def answers_frame(url: str, edition_year: int | None = None) -> pd.DataFrame:
    """The analysis file: completed units with their design, auxiliaries and answers, wide.

    Args:
        url: database URL.
        edition_year: the edition (default: the latest in the database).
    Returns:
        DataFrame ordered by sample_unit_id with `UNIT_COLUMNS` (numbers as numbers, times as
        ISO text as in the export), then one column per answered variable in questionnaire
        order (as the answers were saved). Answers are the stored text: a number as its
        digits, a multiple choice as its values separated by spaces, a non-substantive answer
        such as "weet_niet" as itself; None where a unit has no answer (not asked, or
        skipped). Use `pd.to_numeric` for numbers.
    Raises:
        InputError: the database has no such edition (or none at all).

    >>> frame = answers_frame("sqlite:///instance/wijkprofiel.db")     # doctest: +SKIP
    >>> frame[["wijk", "design_weight", "buurt_cijfer"]].head(1)       # doctest: +SKIP
             wijk  design_weight buurt_cijfer
    0  Spangen       7.81             7
    """
    with storage.transaction(url) as db:
        chosen = select(Edition.id).order_by(Edition.year.desc()).limit(1)
        if edition_year is not None:
            chosen = select(Edition.id).where(Edition.year == edition_year)
        edition_id = db.scalar(chosen)
        if edition_id is None:
            which = "no edition" if edition_year is None else f"no edition {edition_year}"
            raise InputError(make_url(url).render_as_string(hide_password=True),
                             f"{which}; seed one with `wijkprofiel demo seed`")
        query = AnswersQuery(edition_id)
        units = pd.DataFrame(db.execute(_units(query)).all(), columns=UNIT_COLUMNS, dtype=object)
        unit_index = pd.Index(units["sample_unit_id"])
        wide = _pivot(db.execute(
            select(Answer.sample_unit_id,
                   func.aggregate_strings(
                       Answer.variable + _UNIT + func.coalesce(Answer.value, _NULL), _RECORD))
            .join(SampleUnit, SampleUnit.id == Answer.sample_unit_id)
            .where(*query.conditions()).group_by(Answer.sample_unit_id)).all(), unit_index)
        if wide is None:  # an answer holds a separator character: take the slow road
            wide = _pivot_rows(db.execute(
                select(Answer.sample_unit_id, Answer.variable, Answer.value)
                .join(SampleUnit, SampleUnit.id == Answer.sample_unit_id)
                .where(*query.conditions()).order_by(Answer.id)).all(), unit_index)
    for column in ("started_at", "completed_at"):
        units[column] = units[column].map(_plain)
    return pd.concat([units.astype(_FRAME_TYPES), wide], axis=1)


_UNIT, _RECORD, _NULL = "\x1f", "\x1e", "\x1d"


def _pivot(aggregated, unit_index):
    """The wide table from one row per unit: its id and its answers as
    `variable US value RS variable US value ...` (ASCII unit/record separators, GS for NULL),
    in saving order. Returns None if an answer itself holds a separator (never in practice)."""
    if not aggregated:
        return _wide([], [], [], [], unit_index)
    ids, blobs = zip(*aggregated)
    lengths = np.array([blob.count(_RECORD) + 1 for blob in blobs], dtype=np.int64)
    parts = _RECORD.join(blobs).replace(_RECORD, _UNIT).split(_UNIT)
    if len(parts) != 2 * lengths.sum():
        return None
    variables = parts[0::2]
    values = np.array(parts[1::2], dtype=object)
    values[values == _NULL] = None
    row = np.repeat(unit_index.get_indexer(list(ids)), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    relative = (np.arange(len(row)) - starts) / np.repeat(np.maximum(lengths - 1, 1), lengths)
    return _wide(row, variables, values, relative, unit_index)


def _pivot_rows(found, unit_index):
    """The same from plain (unit id, variable, value) rows in saving order."""
    if not found:
        return _wide([], [], [], [], unit_index)
    units, variables, values = (list(c) for c in zip(*found))
    row = unit_index.get_indexer(units)
    codes = pd.Series(row).groupby(row).cumcount().to_numpy()
    counts = np.bincount(row, minlength=len(unit_index))[row]
    relative = codes / np.maximum(counts - 1, 1)
    return _wide(row, variables, np.array(values, dtype=object), relative, unit_index)


def _wide(row, variables, values, relative, unit_index):
    """Fill a units x variables table in one assignment; columns in the order variables
    come in the units' answer sequences (mean relative position), which is the order of the
    questionnaire."""
    n = len(unit_index)
    codes, names = pd.factorize(np.array(variables, dtype=object))
    matrix = np.full((n, len(names)), None, dtype=object)
    if len(codes):
        matrix[np.asarray(row), codes] = values
    # astype: numpy gives an int array for no answers at all (an edition without completes)
    position = np.bincount(codes, np.asarray(relative, dtype=float),
                           minlength=len(names)).astype(float)
    position /= np.maximum(np.bincount(codes, minlength=len(names)), 1)
    order = np.argsort(position, kind="stable")
    return pd.DataFrame(
        {str(names[k]): matrix[:, k] for k in order}, index=pd.RangeIndex(n), dtype=object
    )
