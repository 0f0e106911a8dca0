"""The statistician's answers file: one row per sample unit, one column per variable.

Only statistics-side tables are read (`sample_unit`, `area`, `answer`): the identity tables,
with names, addresses, phone numbers and personal codes, are never joined, so no export can
carry them. The unit id is the opaque sample id.
"""

from itertools import groupby

from sqlalchemy import select

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


def answers_table(db, edition_id: int, *, questionnaire_id: str | None = None,
                  completed_only: bool = True) -> tuple[list[str], list[list]]:
    """(header, rows) of the answers of the edition's units.

    Args:
        questionnaire_id: only units of this questionnaire (the variables differ between the two).
        completed_only: only completed units (1.1); otherwise every unit that started.
    Returns:
        the unit columns of UNIT_COLUMNS, then one column per variable in alphabetical order;
        an unanswered variable is None.
    """
    conditions = [SampleUnit.edition_id == edition_id]
    if questionnaire_id:
        conditions.append(SampleUnit.questionnaire_id == questionnaire_id)
    if completed_only:
        conditions.append(SampleUnit.status == "completed")
    else:
        conditions.append(SampleUnit.status.in_(("started", "completed")))

    unit_select = [disposition_column().label("disposition") if column is None else column
                   for _, column in UNIT_COLUMNS]
    units = db.execute(
        select(*unit_select).join(Area, Area.wijk_code == SampleUnit.wijk_code)
        .where(*conditions).order_by(SampleUnit.id)
    ).all()
    variables = list(db.scalars(
        select(Answer.variable).distinct().join(SampleUnit, SampleUnit.id == Answer.sample_unit_id)
        .where(*conditions).order_by(Answer.variable)))
    header = [name for name, _ in UNIT_COLUMNS] + variables
    assert not IDENTITY_COLUMNS & set(header[:len(UNIT_COLUMNS)])
    position = {variable: index for index, variable in enumerate(variables)}

    answers = db.execute(
        select(Answer.sample_unit_id, Answer.variable, Answer.value)
        .join(SampleUnit, SampleUnit.id == Answer.sample_unit_id)
        .where(*conditions).order_by(Answer.sample_unit_id)
    )
    by_unit = {unit_id: list(group) for unit_id, group in groupby(answers, key=lambda a: a[0])}
    rows = []
    for unit in units:
        values = [None] * len(variables)
        for _, variable, value in by_unit.get(unit[0], ()):
            values[position[variable]] = value
        rows.append([*unit, *values])
    return header, rows
