"""The register frame of an edition: ages and age groups at the reference date, the frame's
persons as a DataFrame, and the register margins written for weighting.

The categories are those of the demo register (`survey.demo.register.CATEGORIES`), the
contract between the sample, the margins and the weighting plans.
"""

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import delete, select

from survey.demo.margins import margins_frame
from survey.demo.register import AGE_GROUPS, CATEGORIES
from survey.models import (Edition, IdentityFrameMember, IdentityPerson, PopulationMargin,
                           SampleBatch)

AGE_BOUNDS = (15, 25, 45, 65)
"""Lower bounds of `AGE_GROUPS` (15-24, 25-44, 45-64, 65+)."""

__all__ = ["AGE_BOUNDS", "default_reference_date", "ages_on", "age_group_series", "edition_for",
           "latest_register", "load_frame", "write_margins"]


def default_reference_date(year: int) -> date:
    """1 January of the year before the edition: the 2024 edition's fieldwork ran in 2023 and
    its register extract is of 1 January 2023 (as `survey.demo.register.REFERENCE_DATE`).

    >>> default_reference_date(2024)
    datetime.date(2023, 1, 1)
    """
    return date(year - 1, 1, 1)


def ages_on(birth_dates, on: date) -> np.ndarray:
    """Whole years of age on `on` for each birth date (datetime64 or dates).

    >>> ages_on(pd.to_datetime(["2008-01-01", "2008-01-02"]), date(2023, 1, 1)).tolist()
    [15, 14]
    """
    birth = pd.DatetimeIndex(pd.to_datetime(birth_dates))
    before_birthday = (birth.month > on.month) | ((birth.month == on.month) & (birth.day > on.day))
    return (on.year - birth.year - before_birthday.astype(int)).to_numpy()


def age_group_series(ages) -> pd.Categorical:
    """The age group (15-24, 25-44, 45-64, 65+) of each age; below 15 gives NaN.

    >>> list(age_group_series([15, 24, 25, 64, 65, 101]))
    ['15-24', '15-24', '25-44', '45-64', '65+', '65+']
    """
    codes = np.searchsorted(np.array(AGE_BOUNDS), np.asarray(ages), side="right") - 1
    return pd.Categorical.from_codes(np.where(codes < 0, -1, codes), AGE_GROUPS)


def edition_for(db, year: int) -> Edition:
    """The edition of `year`, created (as "Wijkprofiel <year>") when there is none."""
    edition = db.scalar(select(Edition).where(Edition.year == year))
    if edition is None:
        edition = Edition(year=year, title=f"Wijkprofiel {year}")
        db.add(edition)
        db.flush()
    return edition


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
    per wijk per category of age group, sex, migration background and household type; every
    category of every wijk in the frame, empty ones as 0). Returns the number of rows."""
    wijk_codes = sorted(frame["wijk_code"].unique().tolist())
    margins = margins_frame(frame[["wijk_code", *CATEGORIES]], wijk_codes)
    db.execute(delete(PopulationMargin).where(PopulationMargin.edition_id == edition_id))
    if len(margins):
        db.execute(PopulationMargin.__table__.insert(), [
            {"edition_id": edition_id, "wijk_code": int(w), "variable": v, "category": c,
             "total": float(t)}
            for w, v, c, t in margins[["wijk_code", "variable", "category", "total"]]
            .itertuples(index=False)
        ])
    return len(margins)
