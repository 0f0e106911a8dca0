"""Tables out as CSV and Excel, safe to open in a spreadsheet.

A text cell that starts with = + - @ (or a tab or carriage return) would be run as a formula
by Excel or LibreOffice ("CSV injection", OWASP). Such cells get a leading apostrophe, which
spreadsheets show as plain text. Numbers are written as numbers and never changed.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value` made harmless for a spreadsheet.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-12"), safe_cell(-12), safe_cell("Delfshaven")
    ('\\'=HYPERLINK("http://x")', "'-12", -12, 'Delfshaven')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(header: list[str], rows) -> bytes:
    """A UTF-8 CSV (with BOM, so Excel reads the accents) of `header` and `rows`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: dict[str, tuple[list[str], list]]) -> bytes:
    """An Excel workbook with one sheet per entry: name -> (header, rows)."""
    workbook = Workbook(write_only=True)
    for name, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=name[:31])
        sheet.freeze_panes = "A2"
        for index, label in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, min(30, len(label) + 2))
        sheet.append([safe_cell(h) for h in header])
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
