"""Coordinators record postal reality per unit; each outcome sets its AAPOR disposition and
shows on the dashboard."""

import io
import re
from datetime import datetime

from sqlalchemy import select

from survey import storage
from survey.models import AuditEvent, PhoneInterview, SampleUnit, UnitOutcome
from survey.phone import interview_language
from tests.support.fieldwork_data import CODES, add_edition
from tests.support.staff import csrf_token


def record(client, reference, outcome, note=""):
    return client.post("/staff/outcomes/", data={
        "csrf_token": csrf_token(client, "/staff/outcomes/"), "reference": reference,
        "outcome": outcome, "note": note})


def unit(url, unit_id):
    with storage.transaction(url) as db:
        return db.get(SampleUnit, unit_id)


def test_returned_letter_by_personal_code_sets_the_disposition(staff_app, staff):
    url = staff_app.config["DATABASE_URL"]
    add_edition(url)
    staff.login("coordinator")
    code = CODES["s6"].lower()[:4] + "-" + CODES["s6"][4:]  # typed as people type it
    response = record(staff.client, code, "undeliverable", "retour post 12-03")
    assert response.status_code == 302
    assert unit(url, "s6").disposition == "3.30"
    page = staff.client.get("/staff/outcomes/")
    assert "Vastgelegd: eenheid s6 heeft nu dispositie 3.30." in page.text
    assert "retour post 12-03" in page.text
    with storage.transaction(url) as db:
        history = db.scalar(select(UnitOutcome))
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "record_outcome"))
    assert (history.sample_unit_id, history.outcome, history.recorded_by) == (
        "s6", "undeliverable", "coordinator")
    assert (event.target, event.detail) == ("s6", "undeliverable -> 3.30")
    # on the dashboard s6 moved from UH (3.19) to UO (3.30)
    dashboard = staff.client.get("/staff/dashboard/export.csv").data.decode("utf-8-sig")
    stadsdriehoek = next(line for line in dashboard.splitlines() if ",Stadsdriehoek," in line)
    assert stadsdriehoek.split(",")[-5:-2] == ["1", "1", "0"]  # UH, UO, NE


def test_a_completed_questionnaire_stands(staff_app, staff):
    url = staff_app.config["DATABASE_URL"]
    add_edition(url)
    staff.login("coordinator")
    response = record(staff.client, "s1", "deceased")
    assert response.status_code == 400
    assert "Steekproefeenheid s1 heeft de vragenlijst ingevuld" in response.text
    assert unit(url, "s1").disposition == "1.1"
    response = record(staff.client, "GEENCODE99", "refused")
    assert response.status_code == 400
    assert ("Geen steekproefeenheid heeft de code, het kenmerk of het steekproefnummer"
            in response.text)


def test_a_batch_is_stored_whole_or_not_at_all(staff_app, staff):
    url = staff_app.config["DATABASE_URL"]
    add_edition(url)
    staff.login("coordinator")

    def upload(text, name="retour.csv"):
        return staff.client.post("/staff/outcomes/batch", data={
            "csrf_token": csrf_token(staff.client, "/staff/outcomes/"),
            "batch": (io.BytesIO(text.encode("utf-8")), name)}, content_type="multipart/form-data")

    bad = upload(f"code,outcome,note\n{CODES['s6']},deceased,\n{CODES['s7']},verdwenen,\n")
    assert bad.status_code == 400
    assert "retour.csv rij 3, kolom &#39;outcome&#39;: uitkomst &#39;verdwenen&#39; bestaat niet" in bad.text
    assert "Er is niets vastgelegd." in bad.text
    assert unit(url, "s6").disposition is None
    no_header = upload("wie,wat\ns6,refused\n")
    assert no_header.status_code == 400 and "retour.csv rij 1:" in no_header.text
    good = upload("sample_unit_id,outcome,note\ns6,deceased,\ns7,moved_away,naar Utrecht\n")
    assert good.status_code == 302
    assert (unit(url, "s6").disposition, unit(url, "s7").disposition) == ("2.31", "4.10")
    assert "2 uitkomsten uit retour.csv vastgelegd." in staff.client.get("/staff/outcomes/").text


def test_looking_up_a_unit_shows_fieldwork_only_and_is_audited(staff_app, staff):
    url = staff_app.config["DATABASE_URL"]
    add_edition(url)
    staff.login("coordinator")
    record(staff.client, "s7", "refused", "belde zelf")
    page = staff.client.get(f"/staff/outcomes/unit?reference={CODES['s1']}")
    assert page.status_code == 200
    assert "Steekproefeenheid s1" in page.text and "Stadsdriehoek (Centrum)" in page.text
    assert "1.1 Volledig ingevuld" in page.text
    for secret in ("Fatima", "Zwanenburg", "Coolsingel", "3011AD", CODES["s1"], "rapportcijfer"):
        assert secret not in page.text
    refused = staff.client.get("/staff/outcomes/unit?reference=s7").text
    assert "2.112 Weigering door de respondent zelf" in refused and "belde zelf" in refused
    derived = staff.client.get("/staff/outcomes/unit?reference=s6").text
    assert "3.19 Niets teruggehoord (afgeleid uit de status)" in derived
    missing = staff.client.get("/staff/outcomes/unit?reference=XYZ")
    assert missing.status_code == 404 and "Geen steekproefeenheid met code of nummer" in missing.text
    with storage.transaction(url) as db:
        viewed = list(db.scalars(select(AuditEvent.target).where(AuditEvent.action == "view_unit")
                                 .order_by(AuditEvent.id)))
    assert viewed == ["s1", "s7", "s6"]
    staff.logout()
    staff.login("interviewer")
    assert staff.client.get("/staff/outcomes/unit?reference=s1").status_code == 403


def test_the_unit_page_names_the_phone_interview_language_when_there_is_one(staff_app, staff):
    url = staff_app.config["DATABASE_URL"]
    add_edition(url)
    with storage.transaction(url) as db:
        interview_language.choose(db, "s2", "tr", by="interviewer", at=datetime(2024, 3, 4, 10))
        # held in German once, a language the app no longer offers
        db.add(PhoneInterview(sample_unit_id="s3", language="de", chosen_by="interviewer",
                              chosen_at=datetime(2024, 3, 4, 11)))
    staff.login("coordinator")

    def rows(reference):
        page = staff.client.get(f"/staff/outcomes/unit?reference={reference}")
        assert page.status_code == 200
        return [" ".join(row.split()) for row in re.findall(r"<tr>(.*?)</tr>", page.text)]

    turkish = rows("s2")
    language_row = ('<th scope="row">Taal van het telefonisch interview</th><td>Turks</td>')
    assert language_row in turkish
    # with the unit's mode and status, just after the mode
    assert turkish.index(language_row) == [r.startswith('<th scope="row">Modus') for r in
                                           turkish].index(True) + 1
    assert ('<th scope="row">Taal van het telefonisch interview</th><td>de (niet meer '
            'aangeboden; gaat verder in het Nederlands)</td>') in rows("s3")
    assert not any("Taal van het telefonisch interview" in row for row in rows("s1"))
