"""Given/When/Then in lynx, the text browser some residents use: a skipped question stays
empty although lynx checks the first radio button of every group by itself, and a browser
that does not send the cookie back is told so instead of going round in circles."""

import pytest
from sqlalchemy import select

from survey import storage
from survey.paths import QUESTIONNAIRES_DIR
from survey.models import Answer
from survey.questionnaire.loader import load_questionnaire
from survey.questionnaire.router import Router
from survey.respondent import forms, store
from tests.support.live_server import LiveServer
from tests.support.respondent import add_unit
from tests.support.text_browser import DOWN, ENTER, keys, lynx_run

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def plain_http_server(tmp_path_factory):
    """The real questionnaires, with a session cookie lynx sends back over plain http."""
    tmp_path = tmp_path_factory.mktemp("lynx")
    url = f"sqlite:///{tmp_path / 'lynx.db'}"
    storage.upgrade(url)
    server = LiveServer(url, tmp_path / "server.log", QUESTIONNAIRES_DIR,
                        env={"PLAIN_HTTP_COOKIE": "1"}).start()
    yield server
    server.kill()


def log_in(code):
    """On the start page: past the skip link and the five languages to the code, then Start."""
    return DOWN * 6 + keys(code) + DOWN + ENTER


def answers_of(server, unit_id):
    with storage.transaction(server.database_url) as db:
        return {a.variable: a.value for a in db.scalars(
            select(Answer).where(Answer.sample_unit_id == unit_id))}


def test_given_lynx_when_the_resident_only_presses_next_then_no_question_gets_an_answer(
        plain_http_server, tmp_path):
    server = plain_http_server
    questionnaire = load_questionnaire(QUESTIONNAIRES_DIR / "wijkonderzoek.yaml")
    router = Router(questionnaire)
    add_unit(server.database_url, "lynx", "BCDEFGH234", questionnaire_id="wijkonderzoek")
    # the screening question (the one required answer) was answered earlier, on a phone
    with storage.transaction(server.database_url) as db:
        store.save_page(db, "lynx", questionnaire.page("adres"), {"woont_adres": "ja"}, router,
                        "nl", "phone")
    answers = {"woont_adres": "ja"}
    # every screen after the first page: a long grid comes in parts, each a screen
    screens = sum(len(forms.screens(router.visible_questions(page, answers)))
                  for page in router.path(answers)[1:])
    # each screen opens with the form's first button ("Volgende") as lynx's current link, so
    # Enter sends the screen exactly as lynx filled it in by itself
    text = lynx_run(server.url + "/start?lang=nl", log_in("BCDEFGH234") + ENTER * screens,
                    tmp_path, "review")

    assert "Controleer uw antwoorden" in text
    # lynx checked the first radio of ~140 groups: the hidden "Geen antwoord", sent as no answer
    assert answers_of(server, "lynx") == {"woont_adres": "ja"}
    assert text.count("Niet beantwoord") > 100
    assert "Komt vaak voor" not in text and "Zeer tevreden" not in text


def test_given_lynx_on_a_page_then_the_no_answer_choice_is_the_one_checked(
        plain_http_server, tmp_path):
    server = plain_http_server
    add_unit(server.database_url, "lynx2", "CDEFGHJ345", questionnaire_id="wijkonderzoek")
    text = lynx_run(server.url + "/start?lang=nl", log_in("CDEFGHJ345"), tmp_path, "adres")
    assert "Woont u op het adres" in text
    lines = [line.strip() for line in text.splitlines()]
    assert "(*) Geen antwoord" in lines and "( ) Ja" in lines and "( ) Nee" in lines
    # Enter on it: "Kies een antwoord bij ..." rather than an answer nobody gave
    text = lynx_run(server.url + "/start?lang=nl", log_in("CDEFGHJ345") + ENTER, tmp_path, "fout")
    assert "Kies een antwoord bij ‘Woont u op het adres waar wij de uitnodiging" in " ".join(
        text.split())
    assert answers_of(server, "lynx2") == {}


def test_given_a_browser_that_keeps_the_cookie_when_logging_in_then_it_is_told_cookies_are_needed(
        real_questionnaire_server, tmp_path):
    """The app's cookie is Secure; over plain http lynx keeps it, as a browser with cookies
    blocked does: the start form would come back "expired" at every try."""
    server = real_questionnaire_server
    add_unit(server.database_url, "geen-cookie", "DEFGHJK456", questionnaire_id="wijkonderzoek")
    text = lynx_run(server.url + "/start", log_in("DEFGHJK456"), tmp_path, "cookies")
    flat = " ".join(text.split())  # lynx wraps lines
    # lynx asks for English: the clear message, not "expired" (which any retry would repeat)
    assert "Your browser did not send our cookie back." in flat
    assert "This questionnaire needs one cookie to remember that you are logged in" in flat
    assert "expired" not in flat
    assert "DEFGHJK456" in flat  # the code stays typed
