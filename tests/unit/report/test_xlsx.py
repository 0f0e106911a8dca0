"""The report's workbooks written as SpreadsheetML directly read back cell for cell: text
(escaped, control characters and Excel's own _xHHHH_ escapes kept), exact numbers, true/false,
empty cells, frozen panes and the filter."""

import math

import openpyxl
import pandas as pd

from survey.report.xlsx import Sheet, write_workbook


def test_cells_panes_and_filter_read_back(tmp_path):
    text = ["Charlois", "a & b <c> \"d\" 'e'", "  spaties  ", "é ü ğ ş ع ł", None]
    numbers = [0.1 + 0.2, 1 / 3, -2.5e-300, 12345678901234567.0, math.nan]
    whole = [1, -7, 0, 2**40, None]
    flags = [True, False, None, True, False]
    path = write_workbook(tmp_path / "t.xlsx", [
        Sheet("indicatoren 2024", ["label", "estimate", "n", "significant"],
              [text, numbers, whole, flags], freeze="C2", autofilter=True),
        Sheet("toelichting", ["kolom", "betekenis"], [["label"], ["het label"]]),
    ])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["indicatoren 2024", "toelichting"]
    sheet = book["indicatoren 2024"]
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == "A1:D6"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("label", "estimate", "n", "significant")
    assert [r[0] for r in rows[1:]] == text
    assert [r[1] for r in rows[1:5]] == numbers[:4]  # the same doubles, not 16 digits
    assert rows[5][1] is None  # NaN: an empty cell
    assert [r[2] for r in rows[1:]] == whole
    assert [r[3] for r in rows[1:]] == flags
    assert book["toelichting"].freeze_panes is None
    frame = pd.read_excel(path, sheet_name=None)
    assert list(frame["toelichting"]["betekenis"]) == ["het label"]


def test_characters_xml_cannot_hold_are_escaped_not_dropped(tmp_path):
    path = write_workbook(tmp_path / "t.xlsx", [
        Sheet("s", ["x"], [["bel\x07l", "_x0041_ blijft letterlijk", "tab\tregel\nnieuw"]])])
    with __import__("zipfile").ZipFile(path) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    # Excel's ST_Xstring escapes: a control character as _x0007_, a literal _x0041_ with its
    # underscore escaped (_x005F_), so that Excel shows the text as it was
    assert "bel_x0007_l" in xml and "_x005F_x0041_ blijft letterlijk" in xml
    assert "tab\tregel\nnieuw" in xml
    assert openpyxl.load_workbook(path)["s"]["A4"].value == "tab\tregel\nnieuw"


def test_an_infinite_number_is_written_as_text(tmp_path):
    path = write_workbook(tmp_path / "t.xlsx", [Sheet("s", ["x"], [[math.inf, -math.inf]])])
    sheet = openpyxl.load_workbook(path)["s"]
    assert [sheet["A2"].value, sheet["A3"].value] == ["inf", "-inf"]
