"""The coordinator settles mode conflicts: a paper form that arrived after a web completion and
a phone interview overtaken by one are listed with when and how the unit completed; she closes
each with a required note, the earlier completion stays untouched, the closing is audited and
the conflict no longer counts as open."""

import re
from datetime import datetime

from sqlalchemy import select

from survey import storage
from survey.models import Answer, AuditEvent, PaperEntry, PaperForm, SampleUnit
from tests.support import paper, phone


def csrf(client, path="/staff/"):
    """A CSRF token from a page every staff member sees (the logout form)."""
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', client.get(path).text).group(1)


def close(client, kind, unit_id, note):
    return client.post(f"/staff/conflicten/{kind}/{unit_id}",
                       data={"csrf_token": csrf(client), "note": note})


def complete_on_the_web(url, unit_id, at):
    with storage.transaction(url) as db:
        unit = db.get(SampleUnit, unit_id)
        unit.status, unit.mode, unit.disposition, unit.completed_at = "completed", "web", "1.1", at
        db.add(Answer(sample_unit_id=unit_id, variable="woonjaren", value="40",
                      page_id="woonduur", mode="web", saved_at=at))


def test_a_paper_form_after_a_web_completion_is_filed_with_a_note(paper_app, database_url):
    app = paper_app(database_url, PAPER_DOUBLE_ENTRY=False)
    complete_on_the_web(database_url, "p2", datetime(2023, 4, 2, 10, 30))
    keyer = paper.login(app, "data_entry")
    assert paper.post(keyer, "/staff/paper/", {"code": paper.CODES["p2"]}).headers[
        "Location"] == "/staff/paper/p2/conflict"
    coordinator = paper.login(app, "coordinator")

    # the dashboard points at it, the list says when and how the unit completed
    assert "1 open conflict tussen vormen" in coordinator.get("/staff/dashboard").text
    listing = coordinator.get("/staff/conflicten").text
    assert "Open (1)" in listing and "Eenheid p2 (Stadsdriehoek): papieren formulier na voltooiing" in listing
    # stored 10:30 UTC, shown in Rotterdam summer time
    assert "Voltooid via internet op 02-04-2023 12:30." in listing
    assert "geregistreerd op" in listing and "door data_entry" in listing
    assert "Opgeslagen antwoorden: 1 web." in listing
    assert "Conflict afhandelen" in coordinator.get("/staff/paper/").text

    # a note is required; data entry and the statistician cannot close it
    empty = close(coordinator, "paper", "p2", "  ")
    assert empty.status_code == 400 and "Schrijf in de toelichting" in empty.text
    assert close(keyer, "paper", "p2", "weg ermee").status_code == 403
    statistician = paper.login(app, "statistician")
    assert statistician.get("/staff/conflicten").status_code == 200
    assert close(statistician, "paper", "p2", "weg ermee").status_code == 403

    closed = close(coordinator, "paper", "p2", "Respondent belde: dochter vulde het papier in.")
    assert closed.status_code == 303 and closed.headers["Location"] == "/staff/conflicten"
    listing = coordinator.get("/staff/conflicten").text
    assert "Conflict van eenheid p2 afgehandeld: eerdere voltooiing gehouden, papieren " \
           "formulier gearchiveerd." in listing
    assert "Open (0)" in listing and "Afgehandeld (1)" in listing
    assert "Respondent belde: dochter vulde het papier in." in listing
    assert "open conflict" not in coordinator.get("/staff/dashboard").text
    assert "Conflicten tussen vormen (0 open)" in coordinator.get("/staff/dashboard").text
    # closing twice is refused by name
    again = close(coordinator, "paper", "p2", "nogmaals")
    assert again.status_code == 400 and "al afgehandeld door coordinator" in again.text

    with storage.transaction(database_url) as db:
        form = db.get(PaperForm, "p2")
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "paper_conflict_closed"))
        answers = db.execute(select(Answer.variable, Answer.value, Answer.mode)).all()
        unit = db.get(SampleUnit, "p2")
    assert (form.status, form.completed_by) == ("filed", "coordinator")
    assert (event.target, event.username, event.role) == ("p2", "coordinator", "coordinator")
    assert event.detail == "Respondent belde: dochter vulde het papier in."
    # the web completion is untouched
    assert answers == [("woonjaren", "40", "web")]
    assert (unit.status, unit.mode, unit.disposition) == ("completed", "web", "1.1")
    # and the filed form cannot be keyed after all
    refused = paper.post(keyer, "/staff/paper/", {"code": paper.CODES["p2"]})
    assert refused.status_code == 400 and "gearchiveerd" in refused.text


def test_a_paper_form_flagged_at_completion_keeps_its_keyed_passes_when_filed(paper_app, database_url):
    app = paper_app(database_url, PAPER_DOUBLE_ENTRY=False)
    keyer = paper.login(app, "data_entry")
    paper.key_pass(keyer, paper.CODES["p3"], paper.PASS_1)
    complete_on_the_web(database_url, "p3", datetime(2023, 5, 1, 9))
    assert paper.post(keyer, "/staff/paper/p3/controle", {}).headers[
        "Location"] == "/staff/paper/p3/conflict"
    coordinator = paper.login(app, "coordinator")
    assert close(coordinator, "paper", "p3", "Web was eerder; papier gearchiveerd.").status_code == 303
    with storage.transaction(database_url) as db:
        keyed = dict(db.execute(select(PaperEntry.variable, PaperEntry.value)
                                .where(PaperEntry.sample_unit_id == "p3")).all())
        stored = db.execute(select(Answer.variable, Answer.mode)).all()
    # what the paper said stays recoverable; none of it went into the answers
    assert keyed["woonjaren"] == "12" and keyed["onveilig_plekken"] == "straat"
    assert stored == [("woonjaren", "web")]


def test_a_phone_interview_overtaken_by_a_web_completion_is_closed_with_a_note(phone_app, database_url,
                                                                               tmp_path):
    app = phone_app(database_url, tmp_path)
    interviewer = phone.login(app, "interviewer")
    phone.post(interviewer, "/staff/phone/a1/interview", "/staff/phone/a1", {})
    page = "/staff/phone/a1/interview/pagina/woonduur"
    token = re.search(r'name="csrf_token" value="([^"]+)"', interviewer.get(page).text).group(1)
    complete_on_the_web(database_url, "a1", datetime(2024, 3, 9, 18, 5))
    interviewer.post(page, data={"csrf_token": token, "woonjaren": "3"})
    # trying to start an interview with a unit completed before the call is no conflict
    interviewer.post("/staff/phone/a2/interview", data={"csrf_token": csrf(interviewer)})

    coordinator = phone.login(app, "coordinator")
    listing = coordinator.get("/staff/conflicten").text
    assert "Eenheid a1 (Stadsdriehoek): telefonisch interview ingehaald" in listing
    assert "Open (1)" in listing and "Eenheid a2" not in listing
    assert "Telefonisch interview door interviewer gestopt op" in listing
    assert "Voltooid via internet op 09-03-2024 19:05." in listing  # 18:05 UTC, winter time
    assert "1 open conflict tussen vormen" in coordinator.get("/staff/dashboard").text
    assert close(coordinator, "phone", "a1", "").status_code == 400
    assert close(coordinator, "phone", "a2", "geen conflict").status_code == 400
    done = close(coordinator, "phone", "a1", "Respondent vulde het tijdens het gesprek online in.")
    assert done.status_code == 303
    listing = coordinator.get("/staff/conflicten").text
    assert "Open (0)" in listing and "telefonisch interview vervalt" in listing
    with storage.transaction(database_url) as db:
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "phone_conflict_closed"))
        modes = set(db.scalars(select(Answer.mode).where(Answer.sample_unit_id == "a1")))
    assert event.target == "a1" and event.detail.startswith("Respondent vulde")
    assert modes == {"web"}


def test_a_paper_form_after_a_web_screen_out_is_a_conflict_that_says_so(paper_app, database_url):
    """The named person answered on the web that she no longer lives at the address (4.10);
    a paper questionnaire from that address comes later, filled in by someone else: it is
    flagged, nothing of it is stored, and the coordinator reads that the unit was screened
    out, not that it completed."""
    app = paper_app(database_url, PAPER_DOUBLE_ENTRY=False)
    with storage.transaction(database_url) as db:
        unit = db.get(SampleUnit, "p2")
        unit.status, unit.mode, unit.disposition = "screened_out", "web", "4.10"
        unit.completed_at = datetime(2023, 4, 2, 10, 30)
    keyer = paper.login(app, "data_entry")
    assert paper.post(keyer, "/staff/paper/", {"code": paper.CODES["p2"]}).headers[
        "Location"] == "/staff/paper/p2/conflict"
    with storage.transaction(database_url) as db:
        form = db.get(PaperForm, "p2")
        assert form.status == "conflict"
        assert "al afgesloten als buiten de doelgroep (woont niet meer op het adres" in form.conflict
        assert db.scalar(select(PaperEntry).where(PaperEntry.sample_unit_id == "p2")) is None
    listing = paper.login(app, "coordinator").get("/staff/conflicten").text
    assert ("Afgesloten als buiten de doelgroep (woont niet meer op het adres, AAPOR 4.10) via "
            "internet op 02-04-2023 12:30.") in listing
