"""NUL and other control characters in every text input. Before, on PostgreSQL a NUL gave a
500 on 10 of 11 inputs (a resident's open answer, losing the page behind an English error
page; the staff username before login; outcome notes and batches; call notes; the paper code;
dashboard and export filters; the unit lookup), and on SQLite a resident's \\x0b, \\x1b or
\\x00 was stored, after which the statistician's answers.xlsx for the whole edition was a 500
(IllegalCharacterError). Now every form field and query value is cleaned before any view
(`survey.security.clean_control_characters`), the page says so, and the exports write any
stored control character as U+FFFD."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey import storage
from survey.models import Answer, UnitOutcome
from survey.security import clean_text
from tests.support.security import answer_open_question, form_token, staff_client
from tests.support.staff import csrf_token

NOTE = "onzichtbare stuurtekens weggelaten"  # the Dutch note that they were left out
HOSTILE = ["nul\x00teken", "escape\x1b[31mrood", "regel\x0bregel", "\x00"]


@pytest.fixture
def app(build_app, database_url):
    return build_app(database_url)


def stored_answer(url, unit, variable):
    with storage.transaction(url) as db:
        return db.scalar(select(Answer.value).where(Answer.sample_unit_id == unit,
                                                   Answer.variable == variable))


def test_clean_text():
    assert clean_text("a\x00b\x1bc\x7f") == "abc"
    assert clean_text("regel\x0bregel\x0cpagina") == "regel\nregel\npagina"
    assert clean_text("tab\tregel\r\nnieuw ĳ €") == "tab\tregel\r\nnieuw ĳ €"


@pytest.mark.parametrize("text", HOSTILE)
def test_a_residents_open_answer_is_kept_without_them(app, text):
    client = answer_open_question(app, "HJSY36UY9B", text)  # every page 303: nothing lost
    stored = stored_answer(app.config["DATABASE_URL"], "m1", "onveilig_toelichting")
    assert stored in (clean_text(text).strip() or None,)
    assert "\x00" not in (stored or "") and "\x1b" not in (stored or "")
    page = client.get(client.get("/vragenlijst/").headers["Location"])
    assert page.status_code == 200
    assert "stuurtekens weggelaten" in page.text  # the note, on the page after


def test_every_staff_and_login_input_takes_a_nul_without_an_error(app):
    url = app.config["DATABASE_URL"]
    nul = "s6\x00"
    anonymous = app.test_client()
    response = anonymous.post("/staff/login", data={
        "csrf_token": csrf_token(anonymous), "username": "coordinator\x00", "password": "x"})
    assert response.status_code == 401 and NOTE in response.text
    page = anonymous.get("/start")
    response = anonymous.post("/start", data={"csrf_token": form_token(page.text),
                                              "code": "HJSY\x0036UY9B"})
    assert response.status_code == 303  # the code without the NUL is the right one

    coordinator = staff_client(app, "coordinator")
    response = coordinator.post("/staff/outcomes/", data={
        "csrf_token": csrf_token(coordinator, "/staff/outcomes/"), "reference": nul,
        "outcome": "refused", "note": "belde\x00 terug\x1b"})
    assert response.status_code in (302, 303), response.status_code
    with storage.transaction(url) as db:
        assert db.scalar(select(UnitOutcome.note).where(UnitOutcome.sample_unit_id == "s6")) \
            == "belde terug"
    for path, query in (("/staff/outcomes/unit", {"reference": nul}),
                        ("/staff/dashboard", {"gebied": "Noord\x00"}),
                        ("/staff/dashboard", {"questionnaire": "\x00", "wave": "1\x00"}),
                        ("/staff/dashboard/export.csv", {"gebied": "\x00"})):
        response = coordinator.get(path, query_string=query)
        assert response.status_code in (200, 404), (path, response.status_code)
    batch = io.BytesIO("sample_unit_id,outcome,note\ns7,refused,nul\x00 hier\n".encode())
    response = coordinator.post("/staff/outcomes/batch", data={
        "csrf_token": csrf_token(coordinator, "/staff/outcomes/"),
        "batch": (batch, "uitkomsten.csv")}, content_type="multipart/form-data")
    assert response.status_code in (302, 400), response.status_code
    assert coordinator.get("/staff/unit/s6\x00").status_code == 404

    statistician = staff_client(app, "statistician")
    for kind in ("csv", "xlsx"):
        response = statistician.get(f"/staff/export/answers.{kind}",
                                    query_string={"questionnaire": "\x00mini"})
        assert response.status_code in (200, 400), (kind, response.status_code)

    data_entry = staff_client(app, "data_entry")
    response = data_entry.post("/staff/paper/", data={
        "csrf_token": csrf_token(data_entry, "/staff/paper/"), "code": "HJSY\x0036UY9B"})
    assert response.status_code < 500, response.status_code

    interviewer = staff_client(app, "interviewer")
    assert interviewer.get("/staff/phone/", query_string={"wijk": "1\x00"}).status_code == 200
    response = interviewer.post("/staff/phone/s6/uitkomst", data={
        "csrf_token": csrf_token(interviewer, "/staff/phone/s6"), "outcome": "no_answer",
        "note": "geen\x00 gehoor"})
    assert response.status_code < 500, response.status_code


def test_the_answers_export_never_fails_on_stored_text(build_app, sqlite_url):
    """Text stored before this cleaning (or by another way in): every control character an
    .xlsx cannot hold is written as U+FFFD; the CSV keeps the row too."""
    app = build_app(sqlite_url)
    answer_open_question(app, "HJSY36UY9B", "eerst")
    with storage.transaction(sqlite_url) as db:
        answer = db.scalar(select(Answer).where(Answer.sample_unit_id == "m1",
                                                Answer.variable == "onveilig_toelichting"))
        answer.value = "a\x0bb\x1bc\x00d"
    statistician = staff_client(app, "statistician")
    response = statistician.get("/staff/export/answers.xlsx?include_started=1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    values = {row[0]: row[header.index("onveilig_toelichting")]
              for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["m1"] == "a\ufffdb\ufffdc\ufffdd"
    csv_export = statistician.get("/staff/export/answers.csv?include_started=1")
    assert csv_export.status_code == 200 and "a\ufffdb" in csv_export.data.decode("utf-8-sig")
