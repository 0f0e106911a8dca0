"""The register frame of an edition: ages and age groups at the reference date, the frame's
persons as a DataFrame, and the register margins written for weighting.

The categories are those of the demo register (`survey.demo.register.CATEGORIES`), the
contract between the sample, the margins and the weighting plans.
"""

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import delete, select

from survey.demo.register import AGE_GROUPS, CATEGORIES
from survey.models import (Edition, IdentityFrameMember, IdentityPerson, PopulationMargin,
                           SampleBatch)

AGE_BOUNDS = (15, 25, 45, 65)
"""Lower bounds of `AGE_GROUPS` (15-24, 25-44, 45-64, 65+)."""

__all__ = ["AGE_BOUNDS", "default_reference_date", "ages_on", "age_group_series", "edition_for",
           "latest_register", "load_frame", "margin_variables", "margins_by_wijk",
           "write_margins"]


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


def margin_variables(frame: pd.DataFrame) -> list[str]:
    """The register variables `frame` holds for every person: age group and sex always;
    migration background and household type only when the register had them (a plain BRP
    extract has neither).

    >>> margin_variables(pd.DataFrame({"age_group": ["65+"], "sex": ["man"],
    ...     "migration_background": [""], "household_type": ["alleenstaand"]}))
    ['age_group', 'sex', 'household_type']
    """
    return [v for v in CATEGORIES if v in frame and len(frame)
            and frame[v].astype(object).fillna("").astype(str).ne("").all()]


def margins_by_wijk(frame: pd.DataFrame, wijk_codes, variables) -> pd.DataFrame:
    """Persons per wijk per category of each of `variables`, as rows wijk_code, variable,
    category, total; every category of every wijk listed, empty ones as 0, so that weighting
    sees an empty cell rather than a missing one.

    >>> f = pd.DataFrame({"wijk_code": [1, 1, 2], "sex": ["man", "vrouw", "man"]})
    >>> margins_by_wijk(f, [1, 2], ["sex"]).total.tolist()
    [1.0, 1.0, 1.0, 0.0]
    """
    wijk_codes = np.asarray(list(wijk_codes))
    position = pd.Index(wijk_codes).get_indexer(frame["wijk_code"])
    parts = []
    for variable in variables:
        categories = CATEGORIES[variable]
        codes = pd.Categorical(frame[variable].astype(object), categories=categories).codes
        if (codes < 0).any():
            raise ValueError(f"register column {variable!r} holds a value outside {categories}")
        counts = np.bincount(position * len(categories) + codes,
                             minlength=len(wijk_codes) * len(categories))
        parts.append(pd.DataFrame({
            "wijk_code": np.repeat(wijk_codes, len(categories)),
            "variable": variable,
            "category": np.tile(np.array(categories, dtype=object), len(wijk_codes)),
            "total": counts.reshape(len(wijk_codes), len(categories)).ravel().astype(float)}))
    if not parts:
        return pd.DataFrame(columns=["wijk_code", "variable", "category", "total"])
    order = {v: i for i, v in enumerate(CATEGORIES)}
    margins = pd.concat(parts, ignore_index=True)
    margins["_v"] = margins["variable"].map(order)
    return (margins.sort_values(["wijk_code", "_v"], kind="stable").drop(columns="_v")
            .reset_index(drop=True))


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
