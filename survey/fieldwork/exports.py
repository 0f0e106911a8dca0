"""Tables out as CSV and Excel, safe to open in a spreadsheet.

Every cell goes through `weighting.io.safe_cell`: a text that starts with = + - @ (or a tab or
carriage return) gets a leading apostrophe, so a spreadsheet shows it instead of running it as a
formula (CSV injection, OWASP). Numbers are written as numbers and never changed.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from weighting.io import safe_cell  # noqa: F401  (the one rule, for callers of this module too)


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
