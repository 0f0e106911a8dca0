"""Phone interviews in the resident's language: the interviewer chooses it on the call screen,
it is stored per unit (an interrupted interview, resumed by anyone, keeps it), the question block
is in that language with its lang and dir while the staff page stays Dutch, the language can
change mid-interview without losing what was typed, and the answers stored are the same codes
in every language. The paradata, review page, supervision page and call outcomes file say which
language the interview was held in."""

import csv
import io
import re

from datetime import datetime

from sqlalchemy import select

from survey import storage
from survey.models import (Answer, Area, AuditEvent, Edition, PageVisit, PhoneInterview,
                           SampleUnit)
from survey.staff import auth
from tests.support.apps import FAST_PROFILE
from tests.support.phone import login, post
from tests.support.staff import PASSWORD

PAGES = {
    "woonduur": {"woonjaren": "7"},
    "buurt-oordeel": {"buurt_prettig": "ja", "cohesie_kennen": "oneens"},
    "onveilig": {"onveilig_ooit": "nooit"},
    "achtergrond": {"geboortedatum-day": "1", "geboortedatum-month": "2",
                    "geboortedatum-year": "1970", "aantal_kinderen": "0"},
}


def block(page_text):
    """The opening tag of the question block and everything after it up to the buttons."""
    match = re.search(r'<div class="interview-questions"[^>]*>(.*?)<div class="button-group">',
                      page_text, re.S)
    assert match, "no question block"
    return match.group(0)


def start(client, unit_id, **form):
    response = post(client, f"/staff/phone/{unit_id}/interview", f"/staff/phone/{unit_id}", form)
    assert response.status_code == 303, response.text
    return client.get(response.headers["Location"]).headers["Location"]


def interview(client, unit_id, location, pages):
    for page_id, values in pages.items():
        assert location == f"/staff/phone/{unit_id}/interview/pagina/{page_id}"
        response = post(client, location, location, values)
        assert response.status_code == 303, response.text
        location = response.headers["Location"]
    assert location == f"/staff/phone/{unit_id}/interview/controleren"
    assert post(client, location, location, {}).status_code == 303


def answers_of(db, unit_id):
    return dict(db.execute(select(Answer.variable, Answer.value)
                           .where(Answer.sample_unit_id == unit_id)).all())


def test_the_chosen_language_is_stored_kept_and_shown_in_the_question_block(
        phone_app, database_url, tmp_path):
    app = phone_app(database_url, tmp_path)
    client = login(app, "interviewer")
    call_screen = client.get("/staff/phone/b1").text
    # the questionnaire's languages, named in Dutch and in their own; Dutch chosen at first
    assert ('<label class="field__label" for="interview-language">Taal van het interview'
            in call_screen)
    assert '<option value="nl" selected>Nederlands</option>' in call_screen
    assert '<option value="tr">Turks (Türkçe)</option>' in call_screen
    assert '<option value="ar">Arabisch (العربية)</option>' in call_screen

    location = start(client, "b1", language="tr")
    page = client.get(location)
    assert page.status_code == 200
    # a Dutch staff page: its own lang, menu, caption, buttons and instructions
    assert page.text.startswith('<!doctype html>\n<html lang="nl">')
    assert "in het Turks" in page.text and ">Volgende</button>" in page.text
    assert "Interview onderbreken" in page.text and "Taal wijzigen" in page.text
    # the question block in Turkish, marked so; a text not yet translated is marked Dutch
    questions = block(page.text)
    assert questions.startswith('<div class="interview-questions" lang="tr" dir="ltr">')
    assert "Kaç yıldır bu mahallede oturuyorsunuz?" in questions  # the question
    assert "Bilmiyorum" in questions and "Weet ik niet" not in questions  # an answer
    assert "(zorunlu)" in questions and "(verplicht)" not in questions  # the partials' own words
    assert '<h1><span lang="nl" dir="ltr">Wonen in de buurt</span></h1>' in questions

    # the messages about the answers in Turkish too, in a list that says so
    response = post(client, location, location, {"woonjaren": "900"})
    assert response.status_code == 400
    summary = re.search(r'<ul class="error-summary__list"([^>]*)>(.*?)</ul>', response.text, re.S)
    assert summary.group(1) == ' lang="tr" dir="ltr"'
    assert "arasında bir sayı girin" in summary.group(2) and "Vul bij" not in summary.group(2)
    assert "Er is een probleem" in response.text  # the summary's heading is the staff page's

    assert post(client, location, location, PAGES["woonduur"]).status_code == 303
    with storage.transaction(database_url) as db:
        stored = db.get(PhoneInterview, "b1")
        assert (stored.language, stored.chosen_by) == ("tr", "interviewer")
        # paradata: the interview's language, not the staff page's Dutch
        visit = db.scalar(select(PageVisit).where(PageVisit.sample_unit_id == "b1",
                                                  PageVisit.page_id == "woonduur"))
        assert (visit.language, visit.mode) == ("tr", "phone")
        start_event = db.scalar(select(AuditEvent).where(
            AuditEvent.action == "phone_interview_start", AuditEvent.target == "b1"))
        assert start_event.detail == "language tr"

    # interrupted; another interviewer resumes the unit: the call screen offers Turkish, and
    # starting without a choice (or with it) goes on in Turkish
    with storage.transaction(database_url) as db:
        auth.add_user(db, "ilse", PASSWORD, "interviewer", profile=FAST_PROFILE)
    other = login(app, "ilse")
    call_screen = other.get("/staff/phone/b1").text
    assert '<option value="tr" selected>Turks (Türkçe)</option>' in call_screen
    location = start(other, "b1")
    assert location == "/staff/phone/b1/interview/pagina/buurt-oordeel"
    questions = block(other.get(location).text)
    assert 'lang="tr"' in questions and "Evet" in questions and "Hayır" in questions
    with storage.transaction(database_url) as db:
        assert db.get(PhoneInterview, "b1").language == "tr"
    # the call list says which language an interview already begun goes on in
    listing = other.get("/staff/phone/").text
    assert "in het Turks" in re.search(r'<th scope="row">b1</th>.*?</tr>', listing, re.S).group(0)
    assert "Turks" not in re.search(r'<th scope="row">a1</th>.*?</tr>', listing,
                                             re.S).group(0)


def test_changing_language_mid_interview_keeps_answers_and_stores_the_same_codes(
        phone_app, database_url, tmp_path):
    app = phone_app(database_url, tmp_path)
    client = login(app, "interviewer")

    # one resident answers in Dutch throughout
    interview(client, "a1", start(client, "a1"), PAGES)

    # another starts in Dutch and switches to Arabic on the second page, a choice ticked
    location = start(client, "b1", language="nl")
    assert post(client, location, location, PAGES["woonduur"]).status_code == 303
    location = "/staff/phone/b1/interview/pagina/buurt-oordeel"
    switched = post(client, location, location, {"buurt_prettig": "ja", "action": "language",
                                                 "interview_language": "ar"})
    assert switched.status_code == 200
    questions = block(switched.text)
    assert questions.startswith('<div class="interview-questions" lang="ar" dir="rtl">')
    assert "نعم" in questions  # Ja
    # what was typed is still there, with no error for the question not yet answered
    assert re.search(r'name="buurt_prettig" value="ja" checked', questions)
    assert "error-summary" not in switched.text
    assert "Het interview gaat verder in het Arabisch." in switched.text
    assert switched.text.startswith('<!doctype html>\n<html lang="nl">')
    with storage.transaction(database_url) as db:
        assert db.get(PhoneInterview, "b1").language == "ar"
        assert answers_of(db, "b1") == {"woonjaren": "7"}  # stored before; nothing new yet
        change = db.scalar(select(AuditEvent).where(
            AuditEvent.action == "phone_interview_language", AuditEvent.target == "b1"))
        assert change.detail == "nl -> ar"

    pages = dict(PAGES)
    del pages["woonduur"]
    interview_done = post(client, location, location, pages["buurt-oordeel"])
    assert interview_done.status_code == 303
    location = interview_done.headers["Location"]
    del pages["buurt-oordeel"]
    for page_id, values in pages.items():
        assert location == f"/staff/phone/b1/interview/pagina/{page_id}"
        assert 'lang="ar" dir="rtl"' in block(client.get(location).text)
        location = post(client, location, location, values).headers["Location"]

    # the review page reads the answers back in Arabic, and says so
    review = client.get(location).text
    assert "<dt>Taal van het interview</dt><dd>Arabisch" in review
    assert '<td class="text" lang="ar" dir="rtl">نعم</td>' in review
    assert post(client, location, location, {}).status_code == 303

    with storage.transaction(database_url) as db:
        assert answers_of(db, "b1") == answers_of(db, "a1")  # the same codes
        assert answers_of(db, "b1")["buurt_prettig"] == "ja"
        languages = dict(db.execute(select(PageVisit.page_id, PageVisit.language)
                                    .where(PageVisit.sample_unit_id == "b1")).all())
    assert languages == {"woonduur": "nl", "buurt-oordeel": "ar", "onveilig": "ar",
                         "achtergrond": "ar"}


def test_a_language_not_offered_is_refused_and_nothing_is_stored(phone_app, database_url,
                                                                 tmp_path):
    app = phone_app(database_url, tmp_path)
    client = login(app, "interviewer")
    response = post(client, "/staff/phone/b1/interview", "/staff/phone/b1", {"language": "de"})
    assert response.status_code == 400
    assert ("Taal ‘de’ wordt niet aangeboden; kies een van: Nederlands (nl), Engels (en)"
            in response.text)
    with storage.transaction(database_url) as db:
        assert db.get(PhoneInterview, "b1") is None
    location = start(client, "b1", language="pl")
    response = post(client, location, location, {"action": "language", "interview_language": "de"})
    assert response.status_code == 400
    with storage.transaction(database_url) as db:
        assert db.get(PhoneInterview, "b1").language == "pl"


def test_supervision_and_the_outcomes_file_show_the_interview_language(phone_app, database_url,
                                                                       tmp_path):
    app = phone_app(database_url, tmp_path)
    client = login(app, "interviewer")
    interview(client, "b1", start(client, "b1", language="tr"), PAGES)
    start(client, "a1", language="ar")
    start(client, "b5", language="tr")

    coordinator = login(app, "coordinator")
    page = coordinator.get("/staff/phone/toezicht").text
    table = page[page.index('<h2 id="per-language">'):page.index("Belpogingen downloaden")]
    rows = re.findall(r'<tr><th scope="row">(\w+)</th><td class="num">(\d+)</td>'
                      r'<td class="num">(\d+)</td></tr>', table)
    assert rows == [("Turks", "1", "1"), ("Arabisch", "1", "0")]

    exported = coordinator.get("/staff/phone/uitkomsten.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {(r["sample_unit_id"], r["outcome"], r["interview_language"]) for r in rows} == {
        ("b1", "completed", "tr"), ("b4", "no_answer", "")}  # b4: called, never interviewed


def test_interviews_begun_before_the_languages_came_are_dutch_after_the_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    storage.upgrade(url, "0009_analysis_snapshot")
    with storage.transaction(url) as db:  # the tables other than phone_interview are as at 0009
        db.add(Edition(id=1, year=2024, title="Wijkprofiel 2024"))
        db.add(Area(wijk_code=1, wijk="Carnisse", gebied="Charlois"))
        db.flush()
        for unit_id in ("p1", "w1"):
            db.add(SampleUnit(
                id=unit_id, edition_id=1, wijk_code=1, questionnaire_id="mini", status="started",
                inclusion_probability=0.1, design_weight=10.0, stratum_population=1000,
                age_group="35-44", sex="vrouw", migration_background="nederlands",
                household_type="alleenstaand", code_hash=unit_id * 32))
        db.flush()
        for unit_id, variable, mode, day in (("p1", "woonjaren", "phone", 5),
                                             ("p1", "buurt_prettig", "phone", 4),
                                             ("w1", "woonjaren", "web", 3)):
            db.add(Answer(sample_unit_id=unit_id, variable=variable, value="1", page_id="p",
                          mode=mode, saved_at=datetime(2024, 3, day, 9, 0)))
    storage.upgrade(url)
    with storage.transaction(url) as db:
        rows = [(r.sample_unit_id, r.language, r.chosen_at) for r in db.scalars(
            select(PhoneInterview))]
        assert db.get(SampleUnit, "p1").status == "started"
    assert rows == [("p1", "nl", datetime(2024, 3, 4, 9, 0))]  # its first answer's time
