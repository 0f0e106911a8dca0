"""The statistician's answers file: one row per sample unit, one column per variable.

Only statistics-side tables are read (`sample_unit`, `area`, `answer`): the identity tables,
with names, addresses, phone numbers and personal codes, are never joined, so no export can
carry them. The unit id is the opaque sample id.

A full edition holds about 30,000 completes with some 3 million answers, so rows are streamed:
the units and their answers are read as two cursors ordered by unit id and merged, and nothing
larger than one unit's answers is held in memory.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from survey.fieldwork.dashboard import disposition_column
from survey.models import Answer, Area, SampleUnit

UNIT_COLUMNS = (
    ("sample_unit_id", SampleUnit.id),
    ("wijk_code", SampleUnit.wijk_code),
    ("wijk", Area.wijk),
    ("gebied", Area.gebied),
    ("questionnaire_id", SampleUnit.questionnaire_id),
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
IDENTITY_COLUMNS = frozenset({"register_id", "given_name", "family_name", "street", "house_number",
                              "postcode", "phone", "birth_date", "access_code", "code_hash"})
assert not IDENTITY_COLUMNS & {name for name, _ in UNIT_COLUMNS}


@dataclass(frozen=True)
class AnswersQuery:
    """Which units go into the file.

    edition_id: the edition.
    questionnaire_id: only units of this questionnaire (the variables differ between the two).
    completed_only: only completed units; otherwise also those that started.
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
    return [name for name, _ in UNIT_COLUMNS] + list(variables)


def rows(db, query: AnswersQuery, columns: list[str], batch: int = 2000):
    """Yield one list per unit, in unit id order, matching `columns` (from `header`); an
    unanswered variable is None and a time is ISO text (YYYY-MM-DD HH:MM:SS)."""
    first_variable = len(UNIT_COLUMNS)
    position = {variable: index for index, variable in enumerate(columns[first_variable:])}
    unit_select = [disposition_column().label("disposition") if column is None else column
                   for _, column in UNIT_COLUMNS]
    units = db.execute(
        select(*unit_select).join(Area, Area.wijk_code == SampleUnit.wijk_code)
        .where(*query.conditions()).order_by(SampleUnit.id)
        .execution_options(yield_per=batch))
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
