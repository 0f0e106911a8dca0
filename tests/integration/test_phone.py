"""Interviewers phone non-respondents: a call list ordered by the wijken that lag most, call
outcomes with appointments and a maximum of attempts, and interviews in the questionnaire
engine stored with mode phone; a unit completed in one mode is closed for the others."""

import re
from datetime import timedelta

from sqlalchemy import select

from survey import storage
from survey.models import Answer, AuditEvent, CallAttempt, SampleUnit, UnitOutcome
from tests.support.phone import NOW, listed, login, post


def test_call_list_order_and_exclusions(phone_app, database_url, tmp_path):
    app = phone_app(database_url, tmp_path)
    client = login(app, "interviewer")
    page = client.get("/staff/phone/")
    assert page.status_code == 200
    # Hillesluis lags 10 (b1, b5), Stadsdriehoek 2 (a1); Pernis is at target; no names shown
    assert listed(page.text) == ["b1", "b5", "a1"]
    assert "Hillesluis" in page.text and "10 tekort" in page.text
    assert "Voornaam" not in page.text and "0633333333" not in page.text
    # a wijk filter
    assert listed(client.get("/staff/phone/?wijk=1").text) == ["a1"]


def test_outcomes_appointments_refusals_and_max_attempts(phone_app, database_url, tmp_path):
    app = phone_app(database_url, tmp_path, PHONE_MAX_ATTEMPTS=2)
    client = login(app, "interviewer")
    unit_page = client.get("/staff/phone/a1")
    assert "Voornaama1 Achternaama1" in unit_page.text and "0611111111" in unit_page.text
    assert "Coolsingel" not in unit_page.text  # no address

    for outcome in ("no_answer", "busy"):
        response = post(client, "/staff/phone/a1/uitkomst", "/staff/phone/a1", {"outcome": outcome})
        assert response.status_code == 303
    # two attempts with a maximum of 2: a1 is off the list
    assert "a1" not in listed(client.get("/staff/phone/").text)

    # an appointment needs a time in the future, typed in Rotterdam time
    response = post(client, "/staff/phone/b1/uitkomst", "/staff/phone/b1",
                    {"outcome": "appointment", "appointment": ""})
    assert response.status_code == 400 and "Vul de datum en tijd van de afspraak in." in response.text
    tomorrow = (NOW + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    response = post(client, "/staff/phone/b1/uitkomst", "/staff/phone/b1",
                    {"outcome": "appointment", "appointment": tomorrow.strftime("%Y-%m-%dT%H:%M"),
                     "note": "liever 's ochtends"})
    assert response.status_code == 303
    page = client.get("/staff/phone/")
    assert "Latere afspraken" in page.text and "b1" not in listed(page.text)
    with storage.transaction(database_url) as db:  # the appointment comes due
        call = db.scalar(select(CallAttempt).where(CallAttempt.sample_unit_id == "b1"))
        assert call.appointment_at.hour in (8, 9)  # 10:00 Rotterdam time is 9:00 or 8:00 UTC
        call.appointment_at = NOW - timedelta(minutes=5)
        for _ in range(3):  # more calls than the maximum: an appointment still stands
            db.add(CallAttempt(sample_unit_id="b1", outcome="no_answer", interviewer="x",
                               called_at=NOW - timedelta(days=9)))
        db.flush()
        db.delete(call)
        db.add(CallAttempt(sample_unit_id="b1", outcome="appointment", interviewer="x",
                           called_at=NOW - timedelta(hours=1), appointment_at=NOW - timedelta(minutes=5)))
    assert listed(client.get("/staff/phone/").text)[0] == "b1"

    response = post(client, "/staff/phone/b5/uitkomst", "/staff/phone/b5",
                    {"outcome": "refusal", "note": "geen tijd"})
    assert response.status_code == 303
    with storage.transaction(database_url) as db:
        assert db.get(SampleUnit, "b5").disposition == "2.112"
        history = db.scalar(select(UnitOutcome).where(UnitOutcome.sample_unit_id == "b5"))
        assert (history.outcome, history.recorded_by, history.note) == (
            "refused", "interviewer", "telefonisch: geen tijd")
    assert "b5" not in listed(client.get("/staff/phone/").text)
    closed = client.get("/staff/phone/b5")
    assert "dispositie 2.112; niet meer bellen" in closed.text and "Interview starten" not in closed.text

    response = post(client, "/staff/phone/b1/uitkomst", "/staff/phone/b1", {"outcome": "wrong_number"})
    assert response.status_code == 303
    assert "b1" not in listed(client.get("/staff/phone/").text)


def test_a_phone_interview_is_stored_with_mode_phone_and_closes_the_unit(phone_app, database_url, tmp_path):
    app = phone_app(database_url, tmp_path)
    client = login(app, "interviewer")
    response = post(client, "/staff/phone/b1/interview", "/staff/phone/b1", {})
    assert response.headers["Location"] == "/staff/phone/b1/interview/"
    location = client.get(response.headers["Location"]).headers["Location"]
    pages = {
        "woonduur": {"woonjaren": "7"},
        "buurt-oordeel": {"buurt_prettig": "ja", "cohesie_kennen": "oneens"},
        "onveilig": {"onveilig_ooit": "nooit"},  # the router skips the next page
        "achtergrond": {"geboortedatum-day": "1", "geboortedatum-month": "2",
                        "geboortedatum-year": "1970", "aantal_kinderen": "0"},
    }
    for page_id, values in pages.items():
        assert location == f"/staff/phone/b1/interview/pagina/{page_id}"
        page = client.get(location)
        assert "Telefonisch interview met Voornaamb1 Achternaamb1 (0633333333)" in page.text
        response = post(client, location, location, values)
        assert response.status_code == 303, response.text
        location = response.headers["Location"]
    assert location == "/staff/phone/b1/interview/controleren"
    response = post(client, location, location, {})
    assert response.headers["Location"] == "/staff/phone/"
    with storage.transaction(database_url) as db:
        unit = db.get(SampleUnit, "b1")
        modes = set(db.scalars(select(Answer.mode).where(Answer.sample_unit_id == "b1")))
        last_call = db.scalar(select(CallAttempt).where(CallAttempt.sample_unit_id == "b1")
                              .order_by(CallAttempt.id.desc()))
        actions = [e.action for e in db.scalars(select(AuditEvent).where(
            AuditEvent.target == "b1").order_by(AuditEvent.id))]
    assert (unit.status, unit.mode, unit.disposition) == ("completed", "phone", "1.1")
    assert unit.questionnaire_version == "2024.test"  # the version its answers were given in
    assert modes == {"phone"}
    assert (last_call.outcome, last_call.interviewer) == ("completed", "interviewer")
    assert actions == ["phone_view_unit", "phone_interview_start", "phone_interview_complete"]
    # closed for phone, and a paper form arriving now is a conflict
    assert "b1" not in listed(client.get("/staff/phone/").text)
    closed = client.get("/staff/phone/b1").text
    assert "niet meer bellen" in closed and "0633333333" not in closed and "Voornaamb1" not in closed
    again = client.get("/staff/phone/b1/interview/pagina/woonduur")
    assert again.headers["Location"] == "/staff/phone/b1"
    keyer = login(app, "data_entry")
    response = post(keyer, "/staff/paper/", "/staff/paper/", {"code": "TEL0000004"})
    assert response.headers["Location"] == "/staff/paper/b1/conflict"
    assert "telefonisch" in keyer.get("/staff/paper/b1/conflict").text


def test_a_web_completion_during_the_call_is_not_overwritten(phone_app, database_url, tmp_path):
    app = phone_app(database_url, tmp_path)
    client = login(app, "interviewer")
    post(client, "/staff/phone/a1/interview", "/staff/phone/a1", {})
    page = "/staff/phone/a1/interview/pagina/woonduur"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text).group(1)
    with storage.transaction(database_url) as db:
        unit = db.get(SampleUnit, "a1")
        unit.status, unit.mode, unit.completed_at = "completed", "web", NOW
    response = client.post(page, data={"csrf_token": token, "woonjaren": "3"})
    assert response.headers["Location"] == "/staff/phone/a1"
    with storage.transaction(database_url) as db:
        assert db.scalars(select(Answer).where(Answer.sample_unit_id == "a1")).all() == []
        assert db.get(SampleUnit, "a1").mode == "web"


def test_only_interviewers_phone(phone_app, database_url, tmp_path):
    app = phone_app(database_url, tmp_path)
    for role, status in (("data_entry", 403), ("statistician", 403), ("interviewer", 200),
                         ("coordinator", 200)):
        assert login(app, role).get("/staff/phone/").status_code == status
    assert login(app, "interviewer").get("/staff/export/").status_code == 403
