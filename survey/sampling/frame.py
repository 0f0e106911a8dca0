"""The register frame of an edition in the database: its newest register import,
the frame's persons as a DataFrame (age group at the import's reference date), and the register
margins written for weighting. The categories and the counting are `survey.population`'s.
"""

import pandas as pd
from sqlalchemy import delete, select

from survey.models import (IdentityFrameMember, IdentityPerson, PopulationMargin,
                           SampleBatch)
from survey.population.categories import age_group_series, ages_on, default_reference_date
from survey.population.margins import margin_variables, margins_by_wijk

__all__ = ["latest_register", "load_frame", "write_margins"]


def latest_register(db, edition_id: int) -> SampleBatch | None:
    """The newest register import of the edition: the frame a draw samples from."""
    return db.scalar(
        select(SampleBatch)
        .where(SampleBatch.edition_id == edition_id, SampleBatch.kind == "register")
        .order_by(SampleBatch.id.desc())
        .limit(1)
    )


def load_frame(db, batch: SampleBatch) -> pd.DataFrame:
    """The persons of a register import, ordered by register id (so that the same seed draws
    the same persons however the rows were stored), with their register categories and the
    age group at the import's reference date.

    Returns:
        DataFrame with `person_id`, `register_id`, `wijk_code`, `birth_date`, `age_group`,
        `sex`, `migration_background`, `household_type`.
    """
    rows = db.execute(
        select(IdentityPerson.id, IdentityPerson.register_id, IdentityPerson.wijk_code,
               IdentityPerson.birth_date, IdentityPerson.sex,
               IdentityPerson.migration_background, IdentityPerson.household_type)
        .join(IdentityFrameMember, IdentityFrameMember.person_id == IdentityPerson.id)
        .where(IdentityFrameMember.batch_id == batch.id)
        .order_by(IdentityPerson.register_id)
    ).all()
    names = ["person_id", "register_id", "wijk_code", "birth_date", "sex",
             "migration_background", "household_type"]
    values = list(zip(*rows)) if rows else [[] for _ in names]
    frame = pd.DataFrame({name: list(column) for name, column in zip(names, values)})
    on = batch.reference_date or default_reference_date(batch.created_at.year + 1)
    frame["age_group"] = age_group_series(ages_on(frame["birth_date"], on)) if len(frame) else []
    return frame


def write_margins(db, edition_id: int, frame: pd.DataFrame) -> int:
    """Replace the edition's register margins with those counted from `frame` (persons 15+
    per wijk per category of age group, sex and, where the register had them, migration
    background and household type; every category of every wijk in the frame, empty ones as
    0). Returns the number of rows."""
    wijk_codes = sorted(frame["wijk_code"].unique().tolist())
    margins = margins_by_wijk(frame, wijk_codes, margin_variables(frame))
    db.execute(delete(PopulationMargin).where(PopulationMargin.edition_id == edition_id))
    if len(margins):
        db.execute(PopulationMargin.__table__.insert(), [
            {"edition_id": edition_id, "wijk_code": int(w), "variable": v, "category": c,
             "total": float(t)}
            for w, v, c, t in margins[["wijk_code", "variable", "category", "total"]]
            .itertuples(index=False)
        ])
    return len(margins)
