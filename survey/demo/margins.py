"""Register margins: persons aged 15+ per wijk per category of each weighting variable.

Counted from the synthetic register itself, so they agree with it exactly (the real margins
would come from the same BRP extract the sample is drawn from). Every category of every wijk
is listed, also when it is empty, so that weighting sees an empty cell rather than a missing one.
"""

import numpy as np
import pandas as pd

from survey.demo.register import CATEGORIES

__all__ = ["margins_frame"]


def margins_frame(register: pd.DataFrame, wijk_codes) -> pd.DataFrame:
    """The margins as rows `wijk_code, variable, category, total`.

    Args:
        register: from `build_register` (category columns as Categoricals).
        wijk_codes: every wijk to list, also one without residents in the register.
    Returns:
        len(wijk_codes) * 12 rows (4 age groups, 2 sexes, 3 + 3 categories), ordered by
        wijk, variable, category.

    >>> reg = pd.DataFrame({"wijk_code": [1, 1, 2], "age_group": ["15-24", "65+", "65+"],
    ...     "sex": ["man", "vrouw", "man"], "migration_background": ["nederlands"] * 3,
    ...     "household_type": ["alleenstaand"] * 3})
    >>> m = margins_frame(reg, [1, 2])
    >>> m[(m.variable == "age_group") & (m.wijk_code == 1)].total.tolist()
    [1.0, 0.0, 0.0, 1.0]
    """
    wijk_codes = np.asarray(list(wijk_codes))
    position = pd.Index(wijk_codes).get_indexer(register["wijk_code"])
    if (position < 0).any():
        unknown = register["wijk_code"].to_numpy()[position < 0][0]
        raise ValueError(f"register holds wijk_code {unknown}, which is not among the wijken")
    parts = []
    for variable, categories in CATEGORIES.items():
        codes = pd.Categorical(register[variable], categories=categories).codes
        if (codes < 0).any():
            raise ValueError(f"register column {variable!r} holds a value outside {categories}")
        counts = np.bincount(
            position * len(categories) + codes, minlength=len(wijk_codes) * len(categories)
        ).reshape(len(wijk_codes), len(categories))
        parts.append(
            pd.DataFrame(
                {
                    "wijk_code": np.repeat(wijk_codes, len(categories)),
                    "variable": variable,
                    "category": np.tile(np.array(categories, dtype=object), len(wijk_codes)),
                    "total": counts.ravel().astype(float),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    order = {v: i for i, v in enumerate(CATEGORIES)}
    frame["_v"] = frame["variable"].map(order)
    frame = frame.sort_values(["wijk_code", "_v"], kind="stable").drop(columns="_v")
    return frame.reset_index(drop=True)
