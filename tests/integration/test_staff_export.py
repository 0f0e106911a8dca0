"""The statistician's answers export: one row per unit, no identity columns or values, and
every download audited."""

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from survey import storage
from survey.models import AuditEvent
from tests.support.fieldwork_data import CODES, add_edition

IDENTITY_VALUES = ["Fatima", "Zwanenburg", "Coolsingel", "3011AD", "0612345678", "R0000001"]


def test_statistician_exports_completed_units_without_identity(staff_app, staff):
    add_edition(staff_app.config["DATABASE_URL"])
    staff.login("statistician")
    assert "Het bestand bevat nooit namen" in staff.client.get("/staff/export/").text
    response = staff.client.get("/staff/export/answers.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="antwoorden-2024.csv"'
    text = response.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["sample_unit_id"] for row in rows) == ["o1", "s1", "s2", "s3", "s4"]
    s1 = next(row for row in rows if row["sample_unit_id"] == "s1")
    assert (s1["wijk"], s1["disposition"], s1["mode"], s1["rapportcijfer-buurt"]) == (
        "Stadsdriehoek", "1.1", "web", "7")
    assert s1["design_weight"] == "10.0" and s1["completed_at"] == "2023-03-10 09:00:00"
    header = set(rows[0])
    for column in ("given_name", "family_name", "street", "postcode", "phone", "access_code",
                   "code_hash", "register_id", "birth_date"):
        assert column not in header
    for value in [*IDENTITY_VALUES, CODES["s1"]]:
        assert value not in text
    with storage.transaction(staff_app.config["DATABASE_URL"]) as db:
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "export_answers"))
    assert event.username == "statistician"
    assert event.detail == "edition=2024 questionnaire=all completed_only=True units=5"


def test_the_streamed_csv_reads_in_the_requests_session_and_closes_it(staff_app, staff,
                                                                     monkeypatch):
    """The CSV is read while it is sent, after the view returned: on the app context's session
    (no URL of its own), one transaction for the whole file, closed when the last chunk is
    out and when the client goes away halfway."""
    from survey.routes import export

    add_edition(staff_app.config["DATABASE_URL"])
    monkeypatch.setattr(export, "CSV_BATCH", 1)  # a chunk per unit
    opened = []
    session = storage.session
    monkeypatch.setattr(storage, "session", lambda: opened.append(session()) or opened[-1])
    staff.login("statistician")
    opened.clear()
    response = staff.client.get("/staff/export/answers.csv", buffered=False)
    chunks = list(response.response)
    response.close()
    assert len([chunk for chunk in chunks if chunk]) == 5  # one per completed unit
    assert b"".join(chunks).decode("utf-8-sig").count("\r\n") == 6
    assert opened and all(not s.in_transaction() and not list(s) for s in opened)

    opened.clear()
    response = staff.client.get("/staff/export/answers.csv", buffered=False)
    stream = iter(response.response)
    next(stream)
    reading = opened[-1]
    assert reading.in_transaction()  # the export's one transaction, still open
    response.close()  # the client went away
    assert not reading.in_transaction() and not list(reading)


def test_excel_export_of_one_questionnaire_with_started_units(staff_app, staff):
    add_edition(staff_app.config["DATABASE_URL"])
    staff.login("statistician")
    response = staff.client.get(
        "/staff/export/answers.xlsx?questionnaire=veiligheidsmonitor&include_started=1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["Antwoorden"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    units = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert sorted(units) == ["s1", "s2", "s3", "s4", "s5"]
    assert units["s5"]["status"] == "started" and units["s5"]["disposition"] == "2.12"
    for row in rows:
        for value in row:
            assert value not in IDENTITY_VALUES


def test_no_other_role_can_export_answers(staff_app, staff):
    add_edition(staff_app.config["DATABASE_URL"])
    for role in ("coordinator", "data_entry", "interviewer", "admin"):
        staff.login(role)
        assert staff.client.get("/staff/export/answers.csv").status_code == 403
        assert staff.client.get("/staff/export/").status_code == 403
        staff.logout()
    with storage.transaction(staff_app.config["DATABASE_URL"]) as db:
        assert db.scalar(select(AuditEvent).where(AuditEvent.action == "export_answers")) is None


def test_units_and_answers_line_up_on_both_backends(database_url):
    from survey.fieldwork import answers

    add_edition(database_url)
    with storage.transaction(database_url) as db:
        header, rows = answers.answers_table(db, 1, completed_only=False)
    assert header[-2:] == ["rapportcijfer-buurt", "veilig-buurt"]
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    disposition = header.index("disposition")
    assert {row[0]: (row[disposition], row[-2], row[-1]) for row in rows} == {
        "o1": ("1.1", "7", "2"), "o2": ("1.2", "7", "2"), "s1": ("1.1", "7", "2"),
        "s2": ("1.1", "7", "2"), "s3": ("1.1", "7", "2"), "s4": ("1.1", "7", "2"),
        "s5": ("2.12", "7", "2")}
