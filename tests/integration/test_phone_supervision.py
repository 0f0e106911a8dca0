"""Phone supervision for the coordinator: the whole call list, calls and appointments per
interviewer, the call outcomes as CSV (also for Dutch Excel), assigning and reassigning units;
and an interviewer sees, and may open, only the units on their own list."""

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from survey import storage
from survey.models import AuditEvent, CallAssignment, CallAttempt
from survey.staff import auth
from tests.support.apps import FAST_PROFILE
from tests.support.phone import NOW, listed, login, post
from tests.support.staff import PASSWORD


def test_the_coordinator_supervises_and_interviewers_see_only_their_list(phone_app, database_url,
                                                                          tmp_path):
    app = phone_app(database_url, tmp_path)
    with storage.transaction(database_url) as db:
        auth.add_user(db, "ilse", PASSWORD, "interviewer", profile=FAST_PROFILE)
        db.add(CallAttempt(sample_unit_id="a1", outcome="no_answer", interviewer="interviewer",
                           called_at=NOW - timedelta(hours=1)))
        db.add(CallAttempt(sample_unit_id="b1", outcome="appointment", interviewer="ilse",
                           appointment_at=NOW + timedelta(days=1),
                           called_at=NOW - timedelta(hours=2)))
    coordinator = login(app, "coordinator")
    # the coordinator may look at the whole call list (no 403), without call links
    whole = coordinator.get("/staff/phone/")
    assert whole.status_code == 200 and "Hillesluis" in whole.text
    assert listed(whole.text) == []
    page = coordinator.get("/staff/phone/toezicht")
    assert page.status_code == 200
    assert "<th scope=\"row\">ilse</th>" in page.text and "Afspraken nog te gaan" in page.text

    # she puts the Hillesluis units on Ilse's list
    response = post(coordinator, "/staff/phone/toezicht/toewijzen", "/staff/phone/toezicht",
                    {"interviewer": "ilse", "wijk": "2", "count": "10"})
    assert response.status_code == 303
    with storage.transaction(database_url) as db:
        assigned = dict(db.execute(select(CallAssignment.sample_unit_id,
                                          CallAssignment.interviewer)).all())
    assert assigned == {"b1": "ilse", "b5": "ilse"}
    # the other interviewer no longer sees them, and cannot open them
    other = login(app, "interviewer")
    assert listed(other.get("/staff/phone/").text) == ["a1"]
    assert other.get("/staff/phone/b5").status_code == 403
    assert other.get("/staff/phone/b5/interview/").status_code == 403
    assert other.get("/staff/phone/a1").status_code == 200
    # a closed unit (completed on the web) shows only that it is closed: no name, no number
    closed = other.get("/staff/phone/a2").text
    assert "niet meer bellen" in closed and "Voornaama2" not in closed
    assert "0622222222" not in closed
    ilse = login(app, "ilse")
    assert listed(ilse.get("/staff/phone/").text) == ["b5", "a1"]  # b1 has an appointment
    assert ilse.get("/staff/phone/b5").status_code == 200

    # Ilse falls ill: her list goes to the other interviewer
    response = post(coordinator, "/staff/phone/toezicht/overdragen", "/staff/phone/toezicht",
                    {"from": "ilse", "to": "interviewer"})
    assert response.status_code == 303
    assert ilse.get("/staff/phone/b5").status_code == 403
    assert other.get("/staff/phone/b5").status_code == 200
    page = coordinator.get("/staff/phone/toezicht").text
    assert "2 eenheden van ilse overgedragen aan interviewer." in page

    # the calls as a file, for Dutch Excel too; no names or numbers
    plain = coordinator.get("/staff/phone/uitkomsten.csv")
    rows = list(csv.reader(io.StringIO(plain.data.decode("utf-8-sig"))))
    assert rows[0] == ["sample_unit_id", "wijk_code", "wijk", "interviewer", "called_at",
                       "outcome", "outcome_label", "appointment_at", "interview_language"]
    assert {(r[0], r[3], r[5]) for r in rows[1:]} >= {("a1", "interviewer", "no_answer"),
                                                      ("b1", "ilse", "appointment")}
    assert "Voornaam" not in plain.data.decode() and "0611111111" not in plain.data.decode()
    dutch = coordinator.get("/staff/phone/uitkomsten.csv?scheiding=puntkomma")
    assert dutch.data.decode("utf-8-sig").splitlines()[0].startswith("sample_unit_id;wijk_code;")
    with storage.transaction(database_url) as db:
        actions = set(db.scalars(select(AuditEvent.action)))
    assert {"phone_assign", "phone_reassign", "export_calls"} <= actions


def test_interviewers_may_not_supervise(phone_app, database_url, tmp_path):
    app = phone_app(database_url, tmp_path)
    interviewer = login(app, "interviewer")
    assert interviewer.get("/staff/phone/toezicht").status_code == 403
    assert interviewer.get("/staff/phone/uitkomsten.csv").status_code == 403
