"""Exports that open right in Dutch Excel: a semicolon CSV with decimal commas, percentages
formatted as such in the xlsx; and response over time as a table and a download."""

import csv
import io

from openpyxl import load_workbook

from tests.support.fieldwork_data import add_edition


def test_semicolon_csv_and_percent_cells(staff_app, staff):
    add_edition(staff_app.config["DATABASE_URL"])
    staff.login("coordinator")
    plain = staff.client.get("/staff/dashboard/export.csv").data.decode("utf-8-sig")
    dutch = staff.client.get("/staff/dashboard/export.csv?scheiding=puntkomma").data.decode(
        "utf-8-sig")
    plain_rows = list(csv.reader(io.StringIO(plain)))
    dutch_rows = list(csv.reader(io.StringIO(dutch), delimiter=";"))
    assert plain_rows[0] == dutch_rows[0]
    response = plain_rows[0].index("RR1")
    stadsdriehoek = next(r for r in dutch_rows if r[1] == "Stadsdriehoek")
    assert stadsdriehoek[response] == "0,5"  # RR1 4/8, with a decimal comma
    book = load_workbook(io.BytesIO(staff.client.get("/staff/dashboard/export.xlsx").data))
    sheet = book["Per wijk"]
    header = [c.value for c in sheet[1]]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2)
               if r[header.index("Naam")].value == "Stadsdriehoek")
    cell = sheet.cell(row=row, column=header.index("RR1") + 1)
    assert cell.number_format == "0.0%" and cell.value == 0.5


def test_response_over_time_table_and_download(staff_app, staff):
    add_edition(staff_app.config["DATABASE_URL"])
    staff.login("coordinator")
    page = staff.client.get("/staff/dashboard/respons-per-dag")
    assert page.status_code == 200
    # completes on 10, 12 and 15 March (web, web x2, paper); phone on 20 September
    assert "10-03-2023" in page.text and "20-09-2023" in page.text
    rows = list(csv.reader(io.StringIO(staff.client.get(
        "/staff/dashboard/respons-per-dag.csv").data.decode("utf-8-sig"))))
    assert rows[0] == ["Dag", "Web", "Papier", "Telefoon", "Voltooid die dag",
                       "Voltooid totaal", "Respons (totaal/bruto)", "% van doel"]
    assert rows[1][:6] == ["2023-03-10", "2", "0", "0", "2", "2"]
    assert rows[-1][:6] == ["2023-09-20", "0", "0", "1", "1", "5"]
    assert float(rows[-1][6]) == 5 / 12
    book = load_workbook(io.BytesIO(staff.client.get(
        "/staff/dashboard/respons-per-dag.xlsx").data))
    sheet = book["Respons per dag"]
    assert sheet.cell(row=2, column=1).number_format == "dd-mm-yyyy"
    assert sheet.cell(row=2, column=7).number_format == "0.0%"
