"""Who answers the screening question `woont_adres` with "nee" no longer lives at the address
of the letter: the questionnaire ends there, on the web, on paper and by phone. The unit is
screened out (status `screened_out`, AAPOR 4.10 not eligible): no respondent in the counts,
the exports or the weighting, out of the response rates' denominators, and no more letters
or calls. The respondent gets a thank-you-and-goodbye page instead of the normal one."""

import pytest
from sqlalchemy import select

from survey import storage
from survey.paths import QUESTIONNAIRES_DIR
from survey.fieldwork import answers as answers_export
from survey.fieldwork.answers import answers_frame
from survey.fieldwork.dashboard import fieldwork_table
from survey.fieldwork.outcomes import OutcomeError, record
from survey.letters.batches import skip_reason
from survey.models import Answer, SampleUnit
from survey.questionnaire.loader import load_questionnaire
from tests.support import phone

from tests.support.paper import key_pass, login, post
from tests.support.respondent import Browser, FIXTURES, add_unit
from tests.support.staff import add_accounts, put_on_call_list
from tests.support.fieldwork_data import read_at

GOODBYE = "Volgens uw antwoord hoort u niet bij de groep die wij voor dit onderzoek zoeken."


def unit_and_answers(url, unit_id):
    with storage.transaction(url) as db:
        unit = db.get(SampleUnit, unit_id)
        stored = {a.variable: (a.value, a.mode) for a in db.scalars(
            select(Answer).where(Answer.sample_unit_id == unit_id))}
    return unit, stored


@pytest.mark.parametrize("questionnaire_id", ["veiligheidsmonitor", "wijkonderzoek"])
def test_given_the_real_questionnaire_when_nee_then_goodbye_and_not_eligible(
        make_app,         database_url, questionnaire_id):
    url = database_url
    app = make_app(url)
    add_unit(url, "weg", "HJSY36UY9B", questionnaire_id=questionnaire_id)
    add_unit(url, "hier", "VFAUAFNK42", questionnaire_id=questionnaire_id)
    browser = Browser(app)
    browser.log_in("HJSY36UY9B")
    assert browser.path == "/vragenlijst/pagina/adres"
    browser.submit({"woont_adres": "nee"})

    # one tap does not end it: the answer is asked to be confirmed, and nothing is closed yet
    assert browser.path == "/vragenlijst/beeindigen"
    assert "Wilt u de vragenlijst hier beëindigen?" in browser.text
    assert "Woont u op het adres waar wij de uitnodiging" in browser.text and ">Nee<" in browser.text
    assert unit_and_answers(url, "weg")[0].status == "started"
    # the address bar, resume and the review all lead back to the question, not past it
    for address in ("/vragenlijst/", "/vragenlijst/controleren", "/vragenlijst/bedankt"):
        assert browser.get(address).request.path == "/vragenlijst/beeindigen"
    browser.submit({}, action="end")

    # then the goodbye page: no review, no "your answers have been sent"
    assert browser.path == "/vragenlijst/bedankt"
    assert GOODBYE in browser.text and "U kunt dit venster nu sluiten." in browser.text
    assert "Bedankt voor het invullen" not in browser.text
    unit, stored = unit_and_answers(url, "weg")
    assert (unit.status, unit.disposition, unit.mode) == ("screened_out", "4.10", "web")
    version = load_questionnaire(QUESTIONNAIRES_DIR / f"{questionnaire_id}.yaml").version
    assert unit.questionnaire_version == version and unit.completed_at is not None
    assert stored == {"woont_adres": ("nee", "web")}

    # the questionnaire stays closed: the address bar and a new login lead to the goodbye
    browser.get("/vragenlijst/pagina/buurt-oordeel")
    assert browser.path == "/vragenlijst/bedankt" and GOODBYE in browser.text
    again = Browser(app)
    again.log_in("HJSY36UY9B")
    assert again.path == "/vragenlijst/bedankt" and GOODBYE in again.text

    # "ja" goes on into the questionnaire as before
    other = Browser(app)
    other.log_in("VFAUAFNK42")
    other.submit({"woont_adres": "ja"})
    assert other.path != "/vragenlijst/bedankt"
    assert unit_and_answers(url, "hier")[0].status == "started"

    # no respondent: not in the analysis file nor the statistician's export, not weighted
    assert "weg" not in set(read_at(answers_frame, url, 2024)["sample_unit_id"])
    with storage.transaction(url) as db:
        _header, rows = answers_export.answers_table(db, 1)
        assert rows == []
        _header, rows = answers_export.answers_table(db, 1, completed_only=False)
        assert [row[0] for row in rows] == ["hier"]
        table = fieldwork_table(db, year=2024, targets=1)
    # the dashboard: one not eligible (NE), no complete, out of RR1's denominator
    assert table.total.dispositions == {"4.10": 1, "2.12": 1}
    assert (table.total.completed, table.total.value("NE"), table.total.started) == (0, 1, 2)
    assert table.total.rates["RR1"] == 0.0
    # and no reminder letter
    assert skip_reason("reminder1", unit.status, unit.disposition, {"invitation"}) is not None
    # a coordinator cannot overwrite the respondent's own answer with a postal outcome
    with pytest.raises(OutcomeError, match="niet tot de doelgroep"):
        with storage.transaction(url) as db:
            record(db, "weg", "moved", recorded_by="coordinator")
    assert unit_and_answers(url, "weg")[0].disposition == "4.10"


def test_a_screening_answer_given_by_mistake_is_undone_and_every_answer_stays(make_app, sqlite_url):
    """Changing the screening answer to "nee" from the review asks for confirmation; "change my
    answer" goes back, and changing it back to "ja" finds every earlier answer still stored:
    the review is reached again with nothing to re-enter."""
    app = make_app(sqlite_url, QUESTIONNAIRES_DIR=str(FIXTURES))
    add_unit(sqlite_url, "spijt", "HJSY36UY9B", questionnaire_id="screening")
    browser = Browser(app)
    browser.log_in("HJSY36UY9B")
    browser.submit({"woont_adres": "ja"})
    browser.submit({"buurt_prettig": "ja"})
    assert browser.path == "/vragenlijst/controleren"
    before = unit_and_answers(sqlite_url, "spijt")[1]
    assert before == {"woont_adres": ("ja", "web"), "buurt_prettig": ("ja", "web")}

    browser.get("/vragenlijst/pagina/adres?terug=controleren")
    browser.submit({"woont_adres": "nee"})
    assert browser.path == "/vragenlijst/beeindigen"
    unit, stored = unit_and_answers(sqlite_url, "spijt")
    assert unit.status == "started"  # screened_out only on confirmation
    assert stored == {"woont_adres": ("nee", "web"), "buurt_prettig": ("ja", "web")}
    # "Nee, mijn antwoord veranderen" and the back link go to the question, from the review
    assert 'href="/vragenlijst/pagina/adres?terug=controleren"' in browser.text
    browser.get("/vragenlijst/pagina/adres?terug=controleren")
    assert 'value="nee" checked' in browser.text
    browser.submit({"woont_adres": "ja"})
    assert browser.path == "/vragenlijst/controleren"
    assert unit_and_answers(sqlite_url, "spijt")[1] == before

    # confirmed, it closes the unit as not eligible and still deletes nothing
    browser.get("/vragenlijst/pagina/adres?terug=controleren")
    browser.submit({"woont_adres": "nee"})
    browser.submit({}, action="end")
    assert browser.path == "/vragenlijst/bedankt" and GOODBYE in browser.text
    unit, stored = unit_and_answers(sqlite_url, "spijt")
    assert (unit.status, unit.disposition) == ("screened_out", "4.10")
    assert stored == {"woont_adres": ("nee", "web"), "buurt_prettig": ("ja", "web")}


@pytest.fixture
def screening_app(make_app, database_url):
    """Staff accounts, and a unit on paper and one on the call list, on the screening fixture."""
    url = database_url
    add_accounts(url)
    add_unit(url, "papier", "PAPR234567", questionnaire_id="screening")
    add_unit(url, "telefoon", "TELF234567", questionnaire_id="screening")
    put_on_call_list(url, "telefoon", person_id=70, code="TELF234567")
    return make_app(url, QUESTIONNAIRES_DIR=str(FIXTURES), PAPER_DOUBLE_ENTRY=False)


def test_a_paper_form_with_nee_screens_the_unit_out(database_url, screening_app):
    app = screening_app
    keyer = login(app, "data_entry")
    done = key_pass(keyer, "PAPR234567", {"adres": {"woont_adres": "nee"}, "buurt-oordeel": {}})
    assert done.headers["Location"].startswith("/staff/paper/papier/")  # single entry: no differences
    completed = post(keyer, "/staff/paper/papier/controle", {})
    assert completed.headers["Location"] == "/staff/paper/"
    assert "niet tot de doelgroep (AAPOR 4.10)" in keyer.get("/staff/paper/").text
    unit, stored = unit_and_answers(database_url, "papier")
    assert (unit.status, unit.disposition, unit.mode) == ("screened_out", "4.10", "paper")
    assert unit.questionnaire_version == "2024.screening"
    assert stored == {"woont_adres": ("nee", "paper")}


def test_a_phone_interview_with_nee_screens_the_unit_out(database_url, screening_app):
    app = screening_app
    interviewer = login(app, "interviewer")
    response = phone.post(interviewer, "/staff/phone/telefoon/interview", "/staff/phone/telefoon", {})
    location = interviewer.get(response.headers["Location"]).headers["Location"]
    assert location == "/staff/phone/telefoon/interview/pagina/adres"
    response = phone.post(interviewer, location, location, {"woont_adres": "nee"})
    location = response.headers["Location"]
    assert location == "/staff/phone/telefoon/interview/controleren"
    response = phone.post(interviewer, location, location, {})
    assert response.headers["Location"] == "/staff/phone/"
    assert "afgesloten na de screeningvraag" in interviewer.get("/staff/phone/").text
    unit, stored = unit_and_answers(database_url, "telefoon")
    assert (unit.status, unit.disposition, unit.mode) == ("screened_out", "4.10", "phone")
    assert stored == {"woont_adres": ("nee", "phone")}
    # closed for further calls
    assert "niet meer bellen" in interviewer.get("/staff/phone/telefoon").text


def test_the_report_counts_the_screened_out_as_not_eligible(database_url):
    """The report's fieldwork figures use the dashboard's dispositions: one complete among
    three eligible units is 33,3% (RR1), not a quarter of the gross sample."""
    from survey.edition_data import fieldwork_summary

    for unit_id, code, status in [("klaar", "HJSY36UY9B", "completed"),
                                  ("weg", "VFAUAFNK42", "screened_out"),
                                  ("stil1", "KQ7MNPX3AR", "invited"),
                                  ("stil2", "T4WXC9LDHE", "invited")]:
        add_unit(database_url, unit_id, code, status=status)
    with storage.transaction(database_url) as db:
        db.get(SampleUnit, "klaar").mode = "web"
        db.get(SampleUnit, "weg").disposition = "4.10"
    summary = read_at(fieldwork_summary, database_url, 2024)
    assert (summary["gross"], summary["completed"], summary["not_eligible"]) == ("4", "1", "1")
    assert summary["response_rate"] == "33,3%"
    assert summary["by_mode"] == [("via internet", "1")]
