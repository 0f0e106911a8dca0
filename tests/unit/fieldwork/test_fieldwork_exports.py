"""CSV and Excel output, including the escape against formula injection (OWASP)."""

import csv
import io

from openpyxl import load_workbook

from survey.fieldwork import exports


def test_cells_that_a_spreadsheet_would_run_are_escaped():
    dangerous = ["=1+1", "+31 10", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    assert [exports.safe_cell(value) for value in dangerous] == ["'" + v for v in dangerous]
    assert exports.safe_cell("Hillesluis") == "Hillesluis"
    assert exports.safe_cell(-3) == -3 and exports.safe_cell(0.25) == 0.25


def test_csv_round_trip_keeps_values_and_escapes_text():
    body = exports.csv_bytes(["naam", "n"], [["=cmd|' /C calc'!A0", 5], ["Delfshaven", None]])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["naam", "n"], ["'=cmd|' /C calc'!A0", "5"], ["Delfshaven", ""]]


def test_xlsx_has_the_sheets_and_numbers_stay_numbers():
    body = exports.xlsx_bytes({"Per wijk": (["naam", "n"], [["@x", 7], ["Noord", 3]]),
                               "Totaal": (["n"], [[10]])})
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Per wijk", "Totaal"]
    sheet = book["Per wijk"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["naam", "n"], ["'@x", 7], ["Noord", 3]]
