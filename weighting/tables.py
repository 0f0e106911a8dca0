"""One reader for the tables people bring to the toolkit: a CSV file as any Excel saves it, or
an Excel workbook; every import reads its file here, so the rules are the same everywhere.

- Encoding: UTF-8 with or without a byte order mark; else Windows-1252 (Dutch Excel's "CSV
  (gescheiden door lijstscheidingsteken)"), read with a notice that says so; binary data is
  refused.
- Separator: whichever of ; , and tab the header line holds most of (`delimiter_of`), unless
  the format fixes it (the Wijkprofiel export: ;).
- Excel: .xlsx/.xlsm, the first sheet, after the limits of `weighting.safe_read` (archive
  members, unpacked size, cells and extent) are checked; .xls is refused.
- Header: the first row; a name given twice (case aside) is refused. Empty lines are skipped;
  a row with more values than the header has columns is an error of that row.
- Cells stay text: each import says what a cell must hold. `parse_decimal` reads a number
  with a decimal comma (12,5) or point, as Dutch and English spreadsheets write it.

Every problem is an `InputError` naming the file, the row (the header is row 1, as a
spreadsheet shows it) and, where it is one cell, the column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from weighting import safe_read
from weighting.errors import InputError

__all__ = ["TextTable", "ReadNotice", "read_table", "read_path", "decode", "delimiter_of",
           "parse_decimal"]


class ReadNotice(UserWarning):
    """A notice (`TextTable.notices`) raised as a warning by a reader that returns only rows:
    the weighting and index commands print it as "warning: ..."."""


@dataclass
class TextTable:
    """A file as read: its headers, its data rows as text, and each row's number in the file."""

    source: str
    headers: list[str]
    data: pd.DataFrame
    """One str column per header position (0, 1, ...); empty cells are ''."""
    row_numbers: np.ndarray
    """File row of each data row; the header is row 1."""
    sha256: str
    errors: list[InputError] = field(default_factory=list)
    """Rows that cannot be read as rows (too many fields)."""
    notices: list[str] = field(default_factory=list)
    """What the reader did that the coordinator should know (a Windows encoding read)."""

    def first_error(self) -> None:
        """Raise the first row that could not be read, for imports that stop at one."""
        if self.errors:
            raise self.errors[0]

    def warn_then_check(self) -> None:
        """Give each notice as a `ReadNotice` warning, then raise the first row that could not
        be read: for readers that return only rows, so that the person sees both that the file
        was read as Windows-1252 and what is wrong in it."""
        for notice in self.notices:
            warnings.warn(notice, ReadNotice, stacklevel=3)
        self.first_error()


def read_path(path, *, delimiter: str | None = None, source: str | None = None) -> TextTable:
    """`read_table` of a file on disk, its rows named by the file's name (or `source`); a
    missing or unreadable file is an InputError naming its path."""
    path = Path(path)
    where = source or path
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise InputError(where, "file not found; expected a CSV or Excel (.xlsx) file") from None
    except IsADirectoryError:
        raise InputError(where, "is a directory; expected a CSV or Excel (.xlsx) file") from None
    except OSError as exc:  # no permission, a device error
        raise InputError(where, f"cannot be read: {exc.strerror or exc}") from None
    return read_table(content, source or path.name, delimiter=delimiter)


def read_table(content: bytes, source: str, *, delimiter: str | None = None) -> TextTable:
    """Read a CSV or Excel file's header and rows as text.

    Args:
        content: the file's bytes.
        source: its name, for messages; `.xlsx`/`.xlsm` (or a zip signature) means Excel.
        delimiter: the separator of a format that fixes it (the Wijkprofiel export's ;);
            by default `delimiter_of` the header line.
    Returns:
        a `TextTable`.
    Raises:
        InputError: not CSV or Excel, not UTF-8, no header, a header name twice.

    >>> t = read_table("\\ufeffwijk;geslacht\\n10;v\\n".encode(), "s.csv")
    >>> t.headers, t.data.iloc[0].tolist(), t.row_numbers.tolist()
    (['wijk', 'geslacht'], ['10', 'v'], [2])
    """
    suffix = Path(source).suffix.lower()
    if suffix == ".xls":
        raise InputError(source, "old Excel format (.xls) is not read; save it as .xlsx or as "
                         "CSV UTF-8")
    if suffix in (".xlsx", ".xlsm") or content[:4] == b"PK\x03\x04":
        records, notices = _excel_records(content, source), []
    else:
        records, notices = _csv_records(content, source, delimiter)
    digest = hashlib.sha256(content).hexdigest()
    header, *body = records if records else [[]]
    if not any(cell.strip() for cell in header):
        raise InputError(source, "no header: the first row must name the columns", row=1)
    while header and not header[-1].strip():
        header = header[:-1]
    headers = [cell.strip() or f"kolom {i + 1}" for i, cell in enumerate(header)]
    seen = {}
    for i, name in enumerate(headers):
        if name.casefold() in seen:
            raise InputError(source, f"the header names '{name}' twice (columns "
                             f"{seen[name.casefold()] + 1} and {i + 1}); every column needs "
                             "its own name", row=1)
        seen[name.casefold()] = i
    width = len(headers)
    rows, numbers, errors = [], [], []
    for number, record in enumerate(body, start=2):
        if not "".join(record).strip():
            continue  # an empty line
        if len(record) == width:  # most rows: nothing to cut or fill
            rows.append(record)
            numbers.append(number)
            continue
        if len(record) > width:
            extra = record[width:]
            if any(cell.strip() for cell in extra):
                errors.append(InputError(
                    source, f"has {len(record)} values where the header has {width} columns; "
                    "is there a separator inside a value that is not in quotes?", row=number))
            record = record[:width]
        elif len(record) < width:
            record = record + [""] * (width - len(record))
        rows.append(record)
        numbers.append(number)
    data = pd.DataFrame(rows, columns=range(width), dtype=object) if rows else \
        pd.DataFrame({i: pd.Series([], dtype=object) for i in range(width)})
    return TextTable(source, headers, data, np.array(numbers, dtype=np.int64), digest, errors,
                 notices)


def decode(content: bytes, source: str) -> tuple[str, list[str]]:
    """The text of a CSV file: UTF-8 with or without a BOM, else Windows-1252 (Dutch Excel's
    "CSV (gescheiden door lijstscheidingsteken)"), which is read with a notice saying so.

    Raises:
        InputError: neither encoding (the row of the first byte neither can read), or binary
            data (a NUL).

    >>> decode("naam;wijk\\nÇelik;71\\n".encode("cp1252"), "x.csv")[1][0][:44]
    'x.csv is not UTF-8 (row 2 has byte 0xc7); it'
    """
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    notices = []
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as cp_exc:
            row = content[:exc.start].count(b"\n") + 1
            raise InputError(source, f"is neither UTF-8 nor Windows-1252 text (byte "
                             f"0x{content[cp_exc.start]:02x}); save it as 'CSV UTF-8' or as "
                             "an Excel workbook", row=row) from None
        row = content[:exc.start].count(b"\n") + 1
        notices.append(f"{source} is not UTF-8 (row {row} has byte 0x{content[exc.start]:02x}); "
                       "it was read as Windows-1252, the encoding of Dutch Excel's CSV: check "
                       "that names such as 'Çelik' and 'Müller' look right")
    if "\x00" in text:
        raise InputError(source, "is not a CSV file (it holds binary data); expected CSV UTF-8 "
                         "or an Excel workbook (.xlsx)")
    return text, notices


def delimiter_of(header_line: str) -> str:
    """The separator of a CSV file: whichever of ; , and tab the header line holds most of
    (Dutch Excel writes ;), a comma when it holds none.

    >>> delimiter_of("wijk;doel;respons"), delimiter_of("wijk,doel"), delimiter_of("wijk")
    (';', ',', ',')
    """
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=counts.get) if max(counts.values()) else ","


def _csv_records(content: bytes, source: str,
                 delimiter: str | None) -> tuple[list[list[str]], list[str]]:
    text, notices = decode(content, source)
    delimiter = delimiter or delimiter_of(text.split("\n", 1)[0])
    records = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records.extend(reader)  # what was read before an error stays, to count its row
    except csv.Error as exc:  # a cell over csv's field limit (128 kB) ...
        raise InputError(source, f"is not a readable CSV file ({exc})",
                         row=len(records) + 1) from None
    return records, notices


def _excel_records(content: bytes, source: str) -> list[list[str]]:
    # limits on the archive and the sheet's extent before anything is unpacked or filled
    sheets = safe_read.read_xlsx(content, source, first_only=True)
    rows = next(iter(sheets.values()), [])
    return [[_cell_text(v) for v in row] for row in rows]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_decimal(text: str) -> float | None:
    """A number as a Dutch or English spreadsheet writes it: 12,5 or 12.5 (no thousands
    separators); None for an empty or unreadable cell.

    >>> parse_decimal("0,4"), parse_decimal(" 12.5 "), parse_decimal(""), parse_decimal("veel")
    (0.4, 12.5, None, None)
    """
    value = (text or "").strip().replace(",", ".")
    try:
        return float(value) if value else None
    except ValueError:
        return None
