"""Data entry keys in returned paper questionnaires: by code, page by page in the questionnaire
engine, twice by two people, with the differences resolved before the form counts; the
answers are stored with mode paper, and a form for a unit that completed on the web is flagged,
never stored over it."""

import re
from datetime import datetime

from sqlalchemy import select

from survey import storage
from survey.models import Answer, AuditEvent, PaperEntry, PaperForm, PaperResolution, SampleUnit
from tests.support.paper import CODES, PASS_1, PASS_2, key_pass, login, post
from tests.support.staff import csrf_token


def test_double_entry_resolved_then_completed_with_mode_paper(paper_app, database_url):
    app = paper_app(database_url)
    first, second = login(app, "data_entry"), login(app, "invoer2")

    done = key_pass(first, CODES["p1"].lower(), PASS_1)
    assert done.status_code == 303 and done.headers["Location"] == "/staff/paper/"
    assert "Invoer 1 van eenheid p1 is afgerond" in first.get("/staff/paper/").text
    # the same person cannot do the second pass
    again = post(first, "/staff/paper/", {"code": CODES["p1"]})
    assert again.status_code == 400 and "andere medewerker" in again.text
    # nothing is in the answer table while the passes are open
    with storage.transaction(database_url) as db:
        assert db.scalars(select(Answer)).all() == []

    done = key_pass(second, CODES["p1"], PASS_2)
    assert done.headers["Location"] == "/staff/paper/p1/verschillen"
    screen = second.get("/staff/paper/p1/verschillen")
    assert screen.status_code == 200
    rows = re.findall(r'<tr id="verschil-([a-z_]+)"', screen.text)
    assert rows == ["woonjaren", "cohesie_omgang"]
    assert "Neutraal" in screen.text and "Eens" in screen.text
    # the check refuses while differences are open
    assert second.get("/staff/paper/p1/controle").headers["Location"].endswith("/verschillen")

    # a typed value is checked as the web checks it
    bad = post(second, "/staff/paper/p1/verschillen", {
        "keuze-woonjaren": "typed", "waarde-woonjaren": "130"})
    assert bad.status_code == 400 and "een getal in van 0 tot en met 100." in bad.text
    resolved = post(second, "/staff/paper/p1/verschillen", {
        "keuze-woonjaren": "pass1", "keuze-cohesie_omgang": "typed",
        "waarde-cohesie_omgang": "oneens"})
    assert resolved.headers["Location"] == "/staff/paper/p1/controle"

    check = second.get("/staff/paper/p1/controle")
    assert "Routing:" in check.text and "Op straat" not in check.text.split("Routing:")[0]
    assert "Waar voelt u zich wel eens onveilig?: Op straat" in check.text
    completed = post(second, "/staff/paper/p1/controle", {})
    assert completed.headers["Location"] == "/staff/paper/"

    with storage.transaction(database_url) as db:
        unit = db.get(SampleUnit, "p1")
        answers = {a.variable: (a.value, a.mode) for a in db.scalars(
            select(Answer).where(Answer.sample_unit_id == "p1"))}
        form = db.get(PaperForm, "p1")
        entries = db.scalars(select(PaperEntry).where(PaperEntry.variable == "woonjaren")
                             .order_by(PaperEntry.pass_number)).all()
        resolution = db.scalar(select(PaperResolution).where(
            PaperResolution.variable == "cohesie_omgang"))
        actions = [e.action for e in db.scalars(select(AuditEvent).where(
            AuditEvent.target == "p1").order_by(AuditEvent.id))]
    assert (unit.status, unit.mode, unit.disposition) == ("completed", "paper", "1.1")
    assert unit.questionnaire_version == "2024.test"  # the version its answers were given in
    assert answers == {
        "woonjaren": ("12", "paper"), "buurt_prettig": ("ja", "paper"),
        "cohesie_kennen": ("eens", "paper"), "cohesie_omgang": ("oneens", "paper"),
        "onveilig_ooit": ("nooit", "paper"), "geboortedatum": ("1980-03-27", "paper"),
        "aantal_kinderen": ("0", "paper")}  # onveilig_plekken: off the route, not stored
    assert (form.status, form.completed_by) == ("completed", "invoer2")
    assert [(e.pass_number, e.keyer, e.value) for e in entries] == [
        (1, "data_entry", "12"), (2, "invoer2", "13")]
    assert (resolution.source, resolution.value, resolution.resolved_by) == (
        "typed", "oneens", "invoer2")
    assert actions == ["paper_register", "paper_pass_finished", "paper_register",
                       "paper_pass_finished", "paper_resolve", "paper_complete"]
    # a completed form cannot be keyed again
    again = post(first, "/staff/paper/", {"code": CODES["p1"]})
    assert again.status_code == 400 and "al ingevoerd en verwerkt" in again.text


def test_paper_after_a_web_completion_is_flagged_and_stores_nothing(paper_app, database_url):
    app = paper_app(database_url)
    with storage.transaction(database_url) as db:
        unit = db.get(SampleUnit, "p2")
        unit.status, unit.mode, unit.disposition = "completed", "web", "1.1"
        unit.completed_at = datetime(2023, 4, 2, 10, 30)
        db.add(Answer(sample_unit_id="p2", variable="woonjaren", value="40", page_id="woonduur",
                      mode="web", saved_at=datetime(2023, 4, 2)))
    client = login(app, "data_entry")
    response = post(client, "/staff/paper/", {"code": CODES["p2"]})
    assert response.headers["Location"] == "/staff/paper/p2/conflict"
    page = client.get("/staff/paper/p2/conflict")
    assert "was al voltooid (via internet, 2023-04-02 12:30)" in page.text
    # the keying pages stay closed to it
    assert client.get("/staff/paper/p2/invoer/1/woonduur").status_code == 303
    with storage.transaction(database_url) as db:
        answers = db.execute(select(Answer.variable, Answer.value, Answer.mode)).all()
        form = db.get(PaperForm, "p2")
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "paper_conflict"))
    assert answers == [("woonjaren", "40", "web")]
    assert form.status == "conflict" and event.target == "p2"
    assert "Conflict" in client.get("/staff/paper/").text


def test_web_completion_during_keying_is_flagged_at_completion(paper_app, database_url):
    app = paper_app(database_url, PAPER_DOUBLE_ENTRY=False)
    client = login(app, "data_entry")
    done = key_pass(client, CODES["p3"], PASS_1)
    assert done.headers["Location"] == "/staff/paper/p3/verschillen"
    assert client.get(done.headers["Location"]).headers["Location"] == "/staff/paper/p3/controle"
    with storage.transaction(database_url) as db:  # the respondent finishes on the web meanwhile
        unit = db.get(SampleUnit, "p3")
        unit.status, unit.mode, unit.completed_at = "completed", "web", datetime(2023, 5, 1, 9)
    response = post(client, "/staff/paper/p3/controle", {})
    assert response.headers["Location"] == "/staff/paper/p3/conflict"
    with storage.transaction(database_url) as db:
        assert db.get(PaperForm, "p3").status == "conflict"
        assert db.scalars(select(Answer)).all() == []
        assert db.get(SampleUnit, "p3").mode == "web"


def test_only_data_entry_keys_paper(paper_app, database_url):
    app = paper_app(database_url)
    for role, status in (("interviewer", 403), ("statistician", 403), ("admin", 403),
                         ("coordinator", 200), ("data_entry", 200)):
        assert login(app, role).get("/staff/paper/").status_code == status
    # coordinators follow the forms but key nothing
    coordinator = login(app, "coordinator")
    assert 'id="code"' not in coordinator.get("/staff/paper/").text
    response = coordinator.post("/staff/paper/", data={
        "csrf_token": csrf_token(coordinator, "/staff/outcomes/"), "code": CODES["p1"]})
    assert response.status_code == 403
    # and data entry exports nothing
    assert login(app, "data_entry").get("/staff/export/").status_code == 403


def test_paper_answers_replace_an_unfinished_web_start(paper_app, database_url):
    app = paper_app(database_url, PAPER_DOUBLE_ENTRY=False)
    with storage.transaction(database_url) as db:
        db.get(SampleUnit, "p3").status = "started"
        for variable, value in (("woonjaren", "40"), ("onveilig_toelichting", "donker")):
            db.add(Answer(sample_unit_id="p3", variable=variable, value=value, page_id="x",
                          mode="web", saved_at=datetime(2023, 4, 2)))
    client = login(app, "data_entry")
    key_pass(client, CODES["p3"], PASS_1)
    assert post(client, "/staff/paper/p3/controle", {}).headers["Location"] == "/staff/paper/"
    with storage.transaction(database_url) as db:
        answers = dict(db.execute(select(Answer.variable, Answer.value)
                                  .where(Answer.sample_unit_id == "p3")).all())
        modes = set(db.scalars(select(Answer.mode).where(Answer.sample_unit_id == "p3")))
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "paper_complete"))
    assert answers["woonjaren"] == "12" and "onveilig_toelichting" not in answers
    assert modes == {"paper"}
    assert event.detail.endswith("replaced answers of another mode: 2")
