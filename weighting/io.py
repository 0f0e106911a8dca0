"""Reading respondents and margins from CSV, Excel or SPSS files.

CSV and Excel files are read by `weighting.tables`, the reader of every import (its encoding,
separator, header and Excel rules; a position is a row of the file, the header row 1), then
each column is typed as `data_frame` says; SPSS .sav files by pyreadstat. Every problem becomes
an `InputError` naming the file, so the CLI prints one clean line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from weighting import tables
from weighting.calibration import Margin
from weighting.errors import InputError, MarginError

DATA_SUFFIXES = {".csv": "CSV", ".xlsx": "Excel", ".xlsm": "Excel", ".xls": "Excel",
                 ".sav": "SPSS"}

# cells that mean "no value", as pandas and R read them (Excel writes #N/A for a failed formula)
MISSING_CELLS = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                           "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None",
                           "n/a", "nan", "null"})
_WHOLE = r"[+-]?\d+"
_NUMBER = r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?|[+-]?(?:inf|Inf|INF)"
_BOOLEANS = {"True": True, "TRUE": True, "true": True, "False": False, "FALSE": False,
             "false": False}


@dataclass
class DataFile:
    """A data or margin file as read: its columns typed, and the file row of each record (the
    header is row 1; None for SPSS, whose records have no rows to point at)."""

    frame: pd.DataFrame
    rows: np.ndarray | None


def read_file(path, *, what: str = "data") -> DataFile:
    """Read a CSV, Excel (first sheet) or SPSS .sav file, with the file row of each record.

    A Windows-1252 CSV is read as every import reads it, with a `tables.ReadNotice` warning
    that says so. SPSS value labels are applied (the categories as text), so they match margins
    written as text.

    Args:
        path: file path; the suffix chooses the reader.
        what: what the file is, for error messages ('data', 'margin').

    Raises:
        InputError: missing file, unknown suffix, unreadable content, a row with more values
            than the header has columns, a header name twice.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        raise InputError(path, f"cannot read a {what} file ending in {suffix or '(nothing)'!r}; "
                         "use .csv, .xlsx or .sav")
    if not path.is_file():
        raise InputError(path, f"{what} file not found")
    if suffix == ".sav":
        return DataFile(_read_sav(path, what), None)
    try:
        table = tables.read_path(path, source=str(path))
    except InputError as exc:
        if DATA_SUFFIXES[suffix] == "Excel" and exc.row is None:  # the workbook itself
            raise InputError(path, f"cannot read this Excel {what} file: {exc.detail}") from None
        raise
    table.warn_then_check()  # a Windows-1252 file warns, a row too long raises
    return DataFile(data_frame(table), table.row_numbers)


def read_table(path, *, what: str = "data") -> pd.DataFrame:
    """The records of a CSV, Excel or SPSS file as a DataFrame (`read_file` without the rows).

    >>> read_table("missing.csv")
    Traceback (most recent call last):
    ...
    weighting.errors.InputError: missing.csv: data file not found
    """
    return read_file(path, what=what).frame


def data_frame(table: tables.TextTable) -> pd.DataFrame:
    """The columns of a table typed as R's read.csv and pandas type them: a column whose every
    filled cell is a whole number is integer (float when a cell is missing), one whose every
    filled cell is a number (decimal comma or point) is float, one of True/False is boolean,
    anything else text. `MISSING_CELLS` (empty, NA, #N/A, ...) are missing (NaN).

    >>> t = tables.read_table("a;b;c;d\\n1;7,5;man;\\n2;NA;vrouw;x\\n".encode(), "d.csv")
    >>> f = data_frame(t)
    >>> f.dtypes.astype(str).tolist(), f["b"].tolist(), f["d"].tolist()
    (['int64', 'float64', 'str', 'str'], [7.5, nan], [nan, 'x'])
    """
    columns = {}
    for position, name in enumerate(table.headers):
        cells = table.data[position].astype("str")  # pandas' own (Arrow) strings: fast .str
        stripped = cells.str.strip()
        missing = cells.isin(MISSING_CELLS) | stripped.eq("")
        filled = stripped[~missing]
        if filled.empty:
            columns[name] = pd.Series(np.nan, index=cells.index, dtype=float)
        elif filled.str.fullmatch(_WHOLE).all():
            numbers = pd.to_numeric(stripped.where(~missing), errors="coerce")
            columns[name] = numbers.astype(float) if missing.any() else numbers.astype(np.int64)
        elif filled.str.fullmatch(_NUMBER).all():
            columns[name] = pd.to_numeric(stripped.where(~missing).str.replace(",", ".", regex=False),
                                          errors="coerce").astype(float)
        elif filled.isin(_BOOLEANS).all():
            values = filled.map(_BOOLEANS)
            columns[name] = (values.astype(bool) if not missing.any()
                             else values.reindex(cells.index).astype(object))
        else:
            columns[name] = cells.where(~missing, np.nan).astype("str")
    return pd.DataFrame(columns, index=pd.RangeIndex(len(table.data)))


def _read_sav(path: Path, what: str) -> pd.DataFrame:
    import pyreadstat

    try:
        frame, _ = pyreadstat.read_sav(str(path), apply_value_formats=True)
    except Exception as exc:  # pyreadstat raises its own types; the user needs the file and the cause
        raise InputError(path, f"cannot read this SPSS {what} file: {exc}") from None
    return frame


def read_margin(path) -> Margin:
    """Read a margin table (variable columns, then `total`) from CSV, Excel or SPSS.

    Raises:
        InputError, MarginError: unreadable file, no `total` column, bad totals.
    """
    read = read_file(path, what="margin")
    if read.frame.empty:
        raise MarginError(Path(path), "the margin table has no rows")
    return Margin(read.frame, str(path), rows=read.rows)
