"""Interviewers phone non-respondents: a call list ordered by the wijken that lag most, call
outcomes with appointments and a maximum of attempts, and interviews in the questionnaire
engine stored with mode phone; a unit completed in one mode is closed for the others."""

import re
from datetime import date, datetime, timedelta

from sqlalchemy import select

from survey import access_codes, storage
from survey.models import (Answer, Area, AuditEvent, CallAttempt, Edition, IdentityLink,
                           IdentityPerson, PaperForm, SampleUnit, UnitOutcome)
from tests.browser.server import FIXTURES
from tests.staff_support import StaffActions, add_accounts, make_app

AREAS = [(1, "Stadsdriehoek", "Centrum", 3), (2, "Hillesluis", "Feijenoord", 10),
         (3, "Pernis", "Pernis", 1)]
# unit, wijk, status, disposition, mode, phone
UNITS = [
    ("a1", 1, "invited", None, None, "0611111111"),
    ("a2", 1, "completed", "1.1", "web", "0622222222"),
    ("a3", 1, "invited", None, None, None),
    ("b1", 2, "invited", None, None, "0633333333"),
    ("b2", 2, "invited", "2.112", None, "0644444444"),
    ("b3", 2, "invited", None, None, "0655555555"),   # paper form received
    ("b4", 2, "invited", None, None, "0666666666"),   # called 5 times already
    ("b5", 2, "started", None, "web", "0677777777"),
    ("c1", 3, "completed", "1.1", "web", "0688888888"),
    ("c2", 3, "invited", None, None, "0699999999"),   # Pernis has reached its target
]
NOW = datetime.utcnow()


def add_fieldwork(url, tmp_path):
    targets = tmp_path / "targets.csv"
    targets.write_text("wijk_code,target\n" + "".join(f"{a[0]},{a[3]}\n" for a in AREAS))
    with storage.transaction(url) as db:
        db.add(Edition(id=1, year=2024, title="Wijkprofiel 2024"))
        for code, wijk, gebied, _target in AREAS:
            db.add(Area(wijk_code=code, wijk=wijk, gebied=gebied))
        db.flush()
        for number, (unit_id, wijk, status, disposition, mode, phone) in enumerate(UNITS, 1):
            db.add(SampleUnit(
                id=unit_id, edition_id=1, wijk_code=wijk, questionnaire_id="mini",
                inclusion_probability=0.1, design_weight=10.0, stratum_population=1000,
                age_group="35-44", sex="vrouw", migration_background="nederlands",
                household_type="alleenstaand", status=status, disposition=disposition, mode=mode,
                code_hash=access_codes.code_hash(f"TEL{number:07d}"),
                completed_at=NOW - timedelta(days=3) if status == "completed" else None))
            db.add(IdentityPerson(
                id=number, register_id=f"R{number:07d}", given_name=f"Voornaam{unit_id}",
                family_name=f"Achternaam{unit_id}", street="Coolsingel", house_number=str(number),
                postcode="3011AD", phone=phone, wijk_code=wijk, birth_date=date(1980, 1, 1),
                sex="vrouw", migration_background="nederlands", household_type="alleenstaand"))
            db.flush()
            db.add(IdentityLink(sample_unit_id=unit_id, person_id=number,
                                access_code=f"TEL{number:07d}"))
        db.add(PaperForm(sample_unit_id="b3", double_entry=True, status="entry",
                         registered_by="data_entry", registered_at=NOW))
        for attempt in range(5):
            db.add(CallAttempt(sample_unit_id="b4", outcome="no_answer", interviewer="x",
                               called_at=NOW - timedelta(days=5 - attempt)))
    return targets


def phone_app(url, tmp_path, **config):
    add_accounts(url)
    targets = add_fieldwork(url, tmp_path)
    return make_app(url, QUESTIONNAIRES_DIR=str(FIXTURES), FIELDWORK_TARGETS=str(targets),
                    **config)


def login(app, username):
    actions = StaffActions(app.test_client())
    actions.login(username)
    return actions.client


def post(client, path, form_page, data):
    page = client.get(form_page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post(path, data={"csrf_token": token, **data})


def listed(page_text):
    """Unit ids in the order the call list shows them."""
    return re.findall(r'<a href="/staff/phone/([a-z0-9]+)" aria-label="Bellen', page_text)


def test_call_list_order_and_exclusions(database_url, tmp_path):
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


def test_outcomes_appointments_refusals_and_max_attempts(database_url, tmp_path):
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


def test_a_phone_interview_is_stored_with_mode_phone_and_closes_the_unit(database_url, tmp_path):
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


def test_a_web_completion_during_the_call_is_not_overwritten(database_url, tmp_path):
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


def test_only_interviewers_phone(database_url, tmp_path):
    app = phone_app(database_url, tmp_path)
    for role, status in (("data_entry", 403), ("statistician", 403), ("interviewer", 200),
                         ("coordinator", 200)):
        assert login(app, role).get("/staff/phone/").status_code == status
    assert login(app, "interviewer").get("/staff/export/").status_code == 403
