"""Reading respondents and margins from CSV, Excel or SPSS files.

Every problem becomes an `InputError` naming the file, so the CLI prints one clean line.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from weighting import safe_read, tables
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
            return _read_csv(path, what)
        if suffix in (".xlsx", ".xls"):
            # limits on the archive and the sheet's extent before pandas fills the sheet
            try:
                safe_read.check_xlsx(path, path)
            except InputError as exc:
                raise InputError(path, f"cannot read this Excel {what} file: {exc.detail}") from None
            header = pd.read_excel(path, header=None, nrows=1, engine="openpyxl")
            _check_header(path, list(header.iloc[0]) if len(header) else [])
            return pd.read_excel(path, engine="openpyxl")
        import pyreadstat

        frame, _ = pyreadstat.read_sav(str(path), apply_value_formats=True)
        return frame
    except InputError:
        raise
    except Exception as exc:  # the readers raise many types; the user needs the file and the cause
        raise InputError(path, f"cannot read this {DATA_SUFFIXES[suffix]} {what} file: {exc}") from None


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    """A CSV as Excel writes it here: UTF-8 with or without BOM, comma-separated, or (Dutch
    Excel) semicolon-separated with decimal commas, or tab-separated; the separator is found as
    every import finds it (`weighting.tables.delimiter_of`), decoded by the import's decoder
    (`weighting.tables.decode`). Anything else is refused, naming the line of the file (the
    data's own errors name a data row: the first row under the header is 1). Unlike the other
    imports, a Windows-1252 file is refused rather than read with a note: the weighting
    command has no place to show the note."""
    try:
        text, _notices = tables.decode(path.read_bytes(), str(path), windows_1252=False)
    except InputError as exc:  # the file's line, as the rest of this reader names it
        raise InputError(path, exc.detail, line=exc.row) from None
    if not text.strip():
        raise InputError(path, f"is empty; a {what} file starts with a header row of column names")
    first_line = text.splitlines()[0]
    delimiter = tables.delimiter_of(first_line)  # the separator rule of every import
    semicolons = delimiter == ";"
    options = {"sep": delimiter, "decimal": "," if semicolons else "."}
    _check_header(path, next(csv.reader([first_line], delimiter=delimiter)))
    try:
        return pd.read_csv(io.StringIO(text), low_memory=False, **options)
    except pd.errors.ParserError as exc:
        ragged = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if ragged:
            expected, line, saw = ragged.groups()
            shown = "tab" if delimiter == "\t" else delimiter
            raise InputError(path, f"has {saw} cells but the header has {expected}; is a "
                             f"{shown} inside a value without quotes?",
                             line=int(line)) from None
        raise


def _check_header(path: Path, names: list) -> None:
    seen = {}
    for position, name in enumerate(names, start=1):
        key = str(name).strip()
        if key in seen:
            raise InputError(path, f"the header has column {key!r} twice (columns {seen[key]} and "
                             f"{position}); every column needs its own name", line=1, column=key)
        seen[key] = position


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_cell(value):
    """`value` made harmless for a spreadsheet: a text that starts with = + - @ (or a tab or
    carriage return) would be run as a formula by Excel or LibreOffice ("CSV injection",
    OWASP), so it gets a leading apostrophe, which spreadsheets show as plain text; a control
    character that an .xlsx cannot hold becomes U+FFFD. Numbers are never changed.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-12"), safe_cell(-12), safe_cell("Delfshaven")
    ('\\'=HYPERLINK("http://x")', "'-12", -12, 'Delfshaven')
    """
    if isinstance(value, str):
        # characters XML (so .xlsx) cannot hold: shown as U+FFFD, so one stored \x0b or NUL
        # can never fail an export
        value = XML_ILLEGAL.sub("\ufffd", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with `safe_cell` applied to every text cell; numbers are left as they are.

    >>> spreadsheet_safe(pd.DataFrame({"a": ["=1+1", "x"], "b": [-1, 2]})).to_dict("list")
    {'a': ["'=1+1", 'x'], 'b': [-1, 2]}
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(safe_cell)
    return out


def read_margin(path) -> Margin:
    """Read a margin table (variable columns, then `total`) from CSV, Excel or SPSS.

    Raises:
        InputError, MarginError: unreadable file, no `total` column, bad totals.
    """
    table = read_table(path, what="margin")
    if table.empty:
        raise MarginError(Path(path), "the margin table has no rows")
    return Margin(table, str(path))
