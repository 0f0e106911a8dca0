"""Reading respondents and margins from CSV, Excel or SPSS files.

Every problem becomes an `InputError` naming the file, so the CLI prints one clean line.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from weighting.calibration import Margin
from weighting.errors import InputError, MarginError

DATA_SUFFIXES = {".csv": "CSV", ".xlsx": "Excel", ".xls": "Excel", ".sav": "SPSS"}


def read_table(path, *, what: str = "data") -> pd.DataFrame:
    """Read a CSV, Excel (first sheet) or SPSS .sav file into a DataFrame.

    SPSS value labels are applied (the categories as text), so they match margins written as text.

    Args:
        path: file path; the suffix chooses the reader.
        what: what the file is, for error messages ('data', 'margin').

    Raises:
        InputError: missing file, unknown suffix, unreadable content.

    >>> read_table("missing.csv")
    Traceback (most recent call last):
    ...
    weighting.errors.InputError: missing.csv: data file not found
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        raise InputError(path, f"cannot read a {what} file ending in {suffix or '(nothing)'!r}; use .csv, .xlsx or .sav")
    if not path.is_file():
        raise InputError(path, f"{what} file not found")
    try:
        if suffix == ".csv":
            return pd.read_csv(path)
        if suffix in (".xlsx", ".xls"):
            return pd.read_excel(path)
        import pyreadstat

        frame, _ = pyreadstat.read_sav(str(path), apply_value_formats=True)
        return frame
    except InputError:
        raise
    except Exception as exc:  # the readers raise many types; the user needs the file and the cause
        raise InputError(path, f"cannot read this {DATA_SUFFIXES[suffix]} {what} file: {exc}") from None


def read_margin(path) -> Margin:
    """Read a margin table (variable columns, then `total`) from CSV, Excel or SPSS.

    Raises:
        InputError, MarginError: unreadable file, no `total` column, bad totals.
    """
    table = read_table(path, what="margin")
    if table.empty:
        raise MarginError(Path(path), "the margin table has no rows")
    return Margin(table, str(path))
