"""The 71 wijken with their CBS figures (1-1-2018): read and check `rotterdam-wijken-2018.csv`.

The file ships with the package (a copy of `shared/data/rotterdam-wijken-2018.csv`): real
reference data, used by the sample import (wijk names and codes), the public site and the demo. It
is read by `weighting.tables`, the reader of every import; every problem is reported as an
`InputError` naming the file, the row (the header is row 1, as a spreadsheet shows it) and the
column.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from survey.errors import InputError
from weighting import tables

WIJKEN_CSV = Path(__file__).with_name("rotterdam-wijken-2018.csv")

COUNT_COLUMNS = [
    "inhabitants",
    "men",
    "women",
    "age_0_14",
    "age_15_24",
    "age_25_44",
    "age_45_64",
    "age_65_plus",
    "migration_western",
    "migration_nonwestern",
    "households",
    "households_single",
    "households_without_children",
    "households_with_children",
]
TEXT_COLUMNS = ["gebied", "wijk"]
REQUIRED_COLUMNS = ["gebied", "wijk_code", "wijk", *COUNT_COLUMNS]

__all__ = ["WIJKEN_CSV", "COUNT_COLUMNS", "load_wijken"]


def load_wijken(path=None) -> pd.DataFrame:
    """The wijken table, checked.

    Args:
        path: the CSV (default: the copy shipped in `survey/population/`).
    Returns:
        a DataFrame with one row per wijk: `gebied`, `wijk_code` (int), `wijk`, the CBS count
        columns (int) and `population_15_plus` (the sum of the four age groups from 15 up).
    Raises:
        InputError: a missing column, an empty name, a duplicate wijk code or name, a count
        that is not a whole number >= 0, or a wijk without residents aged 15+.

    >>> int(load_wijken().set_index("wijk").loc["Tarwewijk", "population_15_plus"])
    10075
    """
    path = Path(WIJKEN_CSV if path is None else path)
    if not path.is_file():
        raise InputError(path, "file not found; expected the CBS wijken table (CSV)")
    read = tables.read_path(path, source=str(path))
    read.warn_then_check()  # a Windows-1252 file warns, a row too long raises
    raw = read.data.set_axis(read.headers, axis=1).astype("str")
    rows = read.row_numbers

    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(
            path,
            f"missing column(s) {', '.join(missing)}; expected {', '.join(REQUIRED_COLUMNS)}",
            row=1,
        )
    if raw.empty:
        raise InputError(path, "no wijken: the file has a header but no rows")

    table = pd.DataFrame({c: raw[c].str.strip() for c in TEXT_COLUMNS})
    table.insert(1, "wijk_code", _whole_numbers(path, raw, rows, "wijk_code", minimum=1))
    for column in COUNT_COLUMNS:
        table[column] = _whole_numbers(path, raw, rows, column, minimum=0)

    for column in TEXT_COLUMNS:
        empty = np.flatnonzero(table[column].eq("").to_numpy())
        if len(empty):
            raise InputError(path, "empty name", row=int(rows[empty[0]]), column=column)
    for column in ("wijk_code", "wijk"):
        duplicated = np.flatnonzero(table[column].duplicated().to_numpy())
        if len(duplicated):
            row = int(duplicated[0])
            raise InputError(
                path,
                f"'{table[column].iloc[row]}' appears twice; every wijk must be listed once",
                row=int(rows[row]),
                column=column,
            )

    age_columns = ["age_15_24", "age_25_44", "age_45_64", "age_65_plus"]
    table["population_15_plus"] = table[age_columns].sum(axis=1)
    empty = np.flatnonzero(table["population_15_plus"].eq(0).to_numpy())
    if len(empty):
        raise InputError(
            path,
            "no residents aged 15+ (all age columns from age_15_24 up are 0)",
            row=int(rows[empty[0]]),
            column="age_15_24",
        )
    return table.reset_index(drop=True)


def _whole_numbers(path, raw, rows, column, minimum):
    text = raw[column].str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna() | (numbers < minimum) | (numbers % 1 != 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            path,
            f"{raw[column].iloc[row]!r} is not a whole number >= {minimum}",
            row=int(rows[row]),
            column=column,
        )
    return numbers.astype(np.int64)
