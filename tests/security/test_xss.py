"""Stored and reflected XSS (OWASP A03): hostile text typed by a respondent, a coordinator, a
failed login or an imported file is shown escaped wherever staff can see text, and exports
carry it as plain text, never as a formula."""

import csv
import io

from openpyxl import load_workbook

from survey import storage
from survey.models import Area, SampleUnit
from tests.support.security import (FORMULA, IMG, OTHER_CODE, SCRIPT, answer_open_question,
                                    staff_client)
from tests.support.staff import csrf_token

PAYLOAD = SCRIPT + IMG


def assert_escaped(html, where):
    assert "<script>alert" not in html, f"{where}: a <script> came through"
    assert '"><img' not in html and "<img src=x" not in html, f"{where}: an <img> came through"


def test_open_answers_are_text_in_pages_and_exports(sec_app):
    respondent = answer_open_question(sec_app, "HJSY36UY9B", PAYLOAD)
    answer_open_question(sec_app, OTHER_CODE, FORMULA)
    # the respondent sees their own answer again (back to the page): escaped
    page = respondent.get("/vragenlijst/pagina/onveilig-plekken")
    assert page.status_code == 200
    assert_escaped(page.text, "questionnaire page")
    assert "&lt;script&gt;" in page.text

    statistician = staff_client(sec_app, "statistician")
    response = statistician.get("/staff/export/answers.csv?include_started=1")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = {row["sample_unit_id"]: row for row in
            csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")))}
    assert rows["m1"]["onveilig_toelichting"] == PAYLOAD  # text, as typed
    assert rows["m2"]["onveilig_toelichting"] == "'" + FORMULA  # never a formula

    workbook = load_workbook(io.BytesIO(
        statistician.get("/staff/export/answers.xlsx?include_started=1").data))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    column = header.index("onveilig_toelichting")
    cells = {row[0].value: row[column] for row in sheet.iter_rows(min_row=2)}
    assert cells["m1"].value == PAYLOAD and cells["m1"].data_type == "s"
    assert cells["m2"].value == "'" + FORMULA and cells["m2"].data_type == "s"


def test_outcome_notes_are_escaped_on_every_staff_page(sec_app):
    coordinator = staff_client(sec_app, "coordinator")
    response = coordinator.post("/staff/outcomes/", data={
        "csrf_token": csrf_token(coordinator, "/staff/outcomes/"), "reference": "s6",
        "outcome": "refused", "note": PAYLOAD})
    assert response.status_code == 302
    for path in ("/staff/outcomes/", "/staff/outcomes/unit?reference=s6"):
        page = coordinator.get(path)
        assert page.status_code == 200
        assert_escaped(page.text, path)
        assert "&lt;script&gt;alert(" in page.text
    # a hostile reference is echoed in the error message, escaped
    page = coordinator.get("/staff/outcomes/unit", query_string={"reference": PAYLOAD})
    assert page.status_code == 404
    assert_escaped(page.text, "unit look-up")
    batch = coordinator.post("/staff/outcomes/batch", data={
        "csrf_token": csrf_token(coordinator, "/staff/outcomes/"),
        "batch": (io.BytesIO(f"code,outcome,note\n{IMG},{SCRIPT},x\n".encode()), f"{IMG}.csv")},
        content_type="multipart/form-data")
    assert batch.status_code == 400
    assert_escaped(batch.text, "outcome batch error")


def test_audit_log_escapes_usernames_and_targets(sec_app):
    attacker = sec_app.test_client()
    attacker.post("/staff/login", data={"csrf_token": csrf_token(attacker), "username": IMG,
                                        "password": "x" * 12})
    admin = staff_client(sec_app, "admin")
    page = admin.get("/staff/audit")
    assert page.status_code == 200 and "onerror" in page.text  # the attempt is shown...
    assert_escaped(page.text, "audit log")                     # ...as text


def test_dashboard_filters_and_area_names_are_escaped(sec_app):
    url = sec_app.config["DATABASE_URL"]
    with storage.transaction(url) as db:
        db.add(Area(wijk_code=4, wijk=SCRIPT, gebied=IMG))
        db.add(Area(wijk_code=5, wijk=FORMULA, gebied="@SUM(1+1)*cmd|' /C calc'!A0"))
        db.flush()
        for unit_id, wijk_code in (("x4", 4), ("x5", 5)):
            db.add(SampleUnit(id=unit_id, edition_id=1, wijk_code=wijk_code,
                              questionnaire_id=SCRIPT[:50], wave=1, inclusion_probability=0.1,
                              design_weight=10.0, stratum_population=100, age_group="25-44",
                              sex="vrouw", migration_background="nederlands",
                              household_type="alleenstaand", code_hash=unit_id * 32,
                              status="invited"))
    client = staff_client(sec_app, "coordinator")
    for query in ({}, {"wave": SCRIPT}, {"gebied": IMG}, {"questionnaire": SCRIPT},
                  {"sort": IMG, "dir": SCRIPT}):
        page = client.get("/staff/dashboard", query_string=query)
        assert page.status_code == 200, query
        assert_escaped(page.text, f"dashboard {query}")
        assert "&lt;script&gt;alert(" in page.text  # the wijk name is there, as text
    exported = client.get("/staff/dashboard/export.csv").data.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
