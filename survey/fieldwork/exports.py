"""Tables out as CSV and Excel, safe to open in a spreadsheet.

Every cell goes through `weighting.safe_cells.safe_cell`: a text that starts with = + - @ (or a tab or
carriage return) gets a leading apostrophe, so a spreadsheet shows it instead of running it as a
formula (CSV injection, OWASP). Numbers are written as numbers and never changed.
"""

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from weighting.safe_cells import safe_cell  # noqa: F401  (the one rule, for callers of this module too)


def csv_bytes(header: list[str], rows, *, dutch: bool = False) -> bytes:
    """A UTF-8 CSV (with BOM, so Excel reads the accents) of `header` and `rows`.

    `dutch`: the variant Dutch Excel opens in columns: semicolons between the values and a
    decimal comma in numbers (0,4531), as Excel's "CSV (gescheiden door lijstscheidingsteken)".

    >>> csv_bytes(["a", "b"], [[0.5, "x"]], dutch=True).decode("utf-8-sig").splitlines()
    ['a;b', '0,5;x']
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", delimiter=";" if dutch else ",")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else
                         (str(v).replace(".", ",") if dutch and isinstance(v, float)
                          else safe_cell(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: dict[str, tuple]) -> bytes:
    """An Excel workbook with one sheet per entry: name -> (header, rows) or (header, rows,
    formats), formats mapping a column's position (0-based) to an Excel number format, such as
    "0.0%" for a share stored as a fraction: the cell keeps the exact number, Excel shows 45.3%
    (45,3% in Dutch Excel)."""
    workbook = Workbook(write_only=True)
    for name, (header, rows, *rest) in sheets.items():
        formats = rest[0] if rest else {}
        sheet = workbook.create_sheet(title=name[:31])
        sheet.freeze_panes = "A2"
        for index, label in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, min(30, len(label) + 2))
        sheet.append([safe_cell(h) for h in header])
        for row in rows:
            values = [safe_cell(v) for v in row]
            if formats:
                values = [_formatted(sheet, v, formats.get(i)) for i, v in enumerate(values)]
            sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _formatted(sheet, value, number_format):
    if number_format is None or not isinstance(value, (int, float, date)):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell
