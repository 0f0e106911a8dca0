"""Register margins: persons aged 15+ per wijk per category of each weighting variable, counted
from a register (the imported frame of an edition, or the demo's synthetic register).

Every category of every wijk is listed, also when it is empty, so that weighting sees an empty
cell rather than a missing one.
"""

import numpy as np
import pandas as pd

from survey.population.categories import CATEGORIES

MARGIN_COLUMNS = ["wijk_code", "variable", "category", "total"]

__all__ = ["MARGIN_COLUMNS", "margin_variables", "margins_by_wijk"]


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


def margins_by_wijk(frame: pd.DataFrame, wijk_codes, variables=None) -> pd.DataFrame:
    """Persons per wijk per category of each of `variables` (default: all of `CATEGORIES`), as
    rows wijk_code, variable, category, total, ordered by wijk and then variable.

    Raises:
        ValueError: a person in a wijk outside `wijk_codes`, or a value outside its variable's
            categories.

    >>> f = pd.DataFrame({"wijk_code": [1, 1, 2], "sex": ["man", "vrouw", "man"]})
    >>> margins_by_wijk(f, [1, 2], ["sex"]).total.tolist()
    [1.0, 1.0, 1.0, 0.0]
    """
    variables = list(CATEGORIES) if variables is None else list(variables)
    wijk_codes = np.asarray(list(wijk_codes))
    position = pd.Index(wijk_codes).get_indexer(frame["wijk_code"])
    if (position < 0).any():
        unknown = frame["wijk_code"].to_numpy()[position < 0][0]
        raise ValueError(f"register holds wijk_code {unknown}, which is not among the wijken")
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
        return pd.DataFrame(columns=MARGIN_COLUMNS)
    order = {v: i for i, v in enumerate(CATEGORIES)}
    margins = pd.concat(parts, ignore_index=True)
    margins["_v"] = margins["variable"].map(order)
    return (margins.sort_values(["wijk_code", "_v"], kind="stable").drop(columns="_v")
            .reset_index(drop=True))
