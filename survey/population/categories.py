"""The register variables and their categories: the contract between the register import, the
sample, the margins and the weighting plans. Ages are grouped at the register's reference date.
"""

from datetime import date

import numpy as np
import pandas as pd

AGE_GROUPS = ["15-24", "25-44", "45-64", "65+"]
AGE_COLUMNS = ["age_15_24", "age_25_44", "age_45_64", "age_65_plus"]
"""The CBS wijken table's columns of the same age groups (`survey.population.wijken`)."""
AGE_BOUNDS = (15, 25, 45, 65)
"""Lower bounds of `AGE_GROUPS`."""
SEXES = ["man", "vrouw"]
MIGRATION_BACKGROUNDS = ["nederlands", "westers", "niet_westers"]
HOUSEHOLD_TYPES = ["alleenstaand", "zonder_kinderen", "met_kinderen"]
CATEGORIES = {
    "age_group": AGE_GROUPS,
    "sex": SEXES,
    "migration_background": MIGRATION_BACKGROUNDS,
    "household_type": HOUSEHOLD_TYPES,
}
"""The register variables and their categories, in the order margins list them."""

__all__ = ["AGE_GROUPS", "AGE_COLUMNS", "AGE_BOUNDS", "SEXES", "MIGRATION_BACKGROUNDS",
           "HOUSEHOLD_TYPES", "CATEGORIES", "default_reference_date", "ages_on",
           "age_group_series"]


def default_reference_date(year: int) -> date:
    """1 January of the year before the edition: the 2024 edition's fieldwork ran in 2023 and
    its register extract is of 1 January 2023.

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
